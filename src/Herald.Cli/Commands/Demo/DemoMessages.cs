using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Cli.Commands.Demo;

/// <summary>An order placed in the shop: the stream's message.</summary>
internal sealed record DemoOrder(long Number, string Customer, decimal Amount);

/// <summary>An e-mail to send: the queue's message.</summary>
internal sealed record DemoEmail(long Number, string To, string Subject);

/// <summary>A price tick: the channel's message.</summary>
internal sealed record DemoTick(long Number, string Symbol, double Price);

/// <summary>An image to make a thumbnail of: the task's arguments.</summary>
internal sealed record DemoImage(long Number, string Path, int Size);

/// <summary>The thumbnail made: the task's result, stored in Redis with the task's state.</summary>
internal sealed record DemoThumbnail(string Path, int Width, int Height);

/// <summary>The handler's deliberate failure, so the dead letters carry a recognisable reason.</summary>
internal sealed class DemoFailureException(string message) : Exception(message);

/// <summary>Source-generated JSON for the demo's messages: the CLI switches reflection-based serialisation off.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DemoOrder))]
[JsonSerializable(typeof(DemoEmail))]
[JsonSerializable(typeof(DemoTick))]
[JsonSerializable(typeof(DemoImage))]
[JsonSerializable(typeof(DemoThumbnail))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
