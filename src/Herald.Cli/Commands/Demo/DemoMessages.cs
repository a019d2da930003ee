using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Cli.Commands.Demo;

/// <summary>An order placed in the shop: the stream's message.</summary>
internal sealed record DemoOrder(long Number, string Customer, decimal Amount);

/// <summary>An e-mail to send: the queue's message.</summary>
internal sealed record DemoEmail(long Number, string To, string Subject);

/// <summary>A price tick: the channel's message.</summary>
internal sealed record DemoTick(long Number, string Symbol, double Price);

/// <summary>The handler's deliberate failure, so the dead letters carry a recognisable reason.</summary>
internal sealed class DemoFailureException(string message) : Exception(message);

/// <summary>Source-generated JSON for the demo's messages: the CLI switches reflection-based serialisation off.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DemoOrder))]
[JsonSerializable(typeof(DemoEmail))]
[JsonSerializable(typeof(DemoTick))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
