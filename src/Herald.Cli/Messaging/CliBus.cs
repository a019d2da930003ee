using System.Buffers;
using Herald.Codecs;
using Herald.Redis;

namespace Herald.Cli.Messaging;

/// <summary>Builds the bus the message commands publish with, over the CLI's own connection.</summary>
internal static class CliBus
{
    public static async Task<HeraldClient> CreateAsync(RedisClient redis, string keyPrefix, CancellationToken cancellationToken)
    {
        try
        {
            return await HeraldClient.CreateBuilder()
                .UseRedis(redis)
                .Configure(options =>
                {
                    options.KeyPrefix = keyPrefix;
                    options.Source = "herald-cli";

                    // The body is JSON the user wrote; there are no DataAnnotations to check.
                    options.ValidateOnPublish = false;
                    options.Codecs.Serializers.Insert(0, new JsonBodySerializer());
                })
                .BuildAsync(cancellationToken);
        }
        catch (InvalidOptionException exception)
        {
            throw new CliUsageException(exception.Message, exception);
        }
    }
}

/// <summary>A JSON body given on the command line, published byte for byte as written.</summary>
/// <param name="Utf8">The JSON text; already checked to be valid JSON.</param>
internal sealed record JsonBody(ReadOnlyMemory<byte> Utf8);

/// <summary>Writes a <see cref="JsonBody"/> as it is, labelled <c>application/json</c>, so consumers deserialise it like any JSON message.</summary>
internal sealed class JsonBodySerializer : IMessageSerializer
{
    public string ContentType => "application/json";

    public bool CanSerialize(Type type) => type == typeof(JsonBody);

    public void Serialize(object? value, Type type, IBufferWriter<byte> output) =>
        output.Write(((JsonBody)value!).Utf8.Span);

    public object? Deserialize(ReadOnlyMemory<byte> data, Type type) => new JsonBody(data);
}
