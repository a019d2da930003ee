using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Herald.Cli.Bench;
using Herald.Cli.Commands.Acl;
using Herald.Cli.Commands.Demo;
using Herald.Cli.Commands.Dlq;
using Herald.Cli.Commands.Groups;
using Herald.Cli.Commands.Info;
using Herald.Cli.Commands.Lag;
using Herald.Cli.Commands.Ls;
using Herald.Cli.Commands.Pause;
using Herald.Cli.Commands.Ping;
using Herald.Cli.Commands.Publish;
using Herald.Cli.Commands.Stats;
using Herald.Cli.Commands.Tasks;
using Herald.Cli.Commands.Workers;
using Herald.Cli.Messaging;

namespace Herald.Cli.Output;

/// <summary>
/// The one source-generated JSON context of the CLI (reflection-based serialisation is switched off in
/// the project, so it stays trim and AOT friendly). A command's result type gets one line here.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(PingResult))]
[JsonSerializable(typeof(InfoResult))]
[JsonSerializable(typeof(RespBenchReport))]
[JsonSerializable(typeof(DemoSummary))]
[JsonSerializable(typeof(BusBenchReport))]
[JsonSerializable(typeof(BusConsumerResult))]
[JsonSerializable(typeof(PublishSummary))]
[JsonSerializable(typeof(MessageView))]
[JsonSerializable(typeof(AclServiceFile))]
[JsonSerializable(typeof(AclResult))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]

// Operator commands.
[JsonSerializable(typeof(LsResult))]
[JsonSerializable(typeof(StreamGroupsResult))]
[JsonSerializable(typeof(QueueGroupsResult))]
[JsonSerializable(typeof(LagSnapshot))]
[JsonSerializable(typeof(DlqListResult))]
[JsonSerializable(typeof(DlqShowResult))]
[JsonSerializable(typeof(DlqReplayResult))]
[JsonSerializable(typeof(DlqRemoveResult))]
[JsonSerializable(typeof(PauseResult))]
[JsonSerializable(typeof(WorkersResult))]
[JsonSerializable(typeof(StatsSnapshot))]

// Task commands.
[JsonSerializable(typeof(TaskView))]
[JsonSerializable(typeof(TaskEnqueued))]
[JsonSerializable(typeof(TaskRevoked))]
[JsonSerializable(typeof(List<ScheduleRow>))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    private static CliJsonContext? s_output;
    private static CliJsonContext? s_lines;

    /// <summary>
    /// The context commands write with: the generated settings, but with relaxed escaping so that
    /// versions (<c>0.1.0+sha</c>), URLs and non-ASCII text read as they are. The output goes to a
    /// terminal or a pipe, never into HTML.
    /// </summary>
    /// <remarks>Built on first use: a static initialiser could run before the generated <c>Default</c> exists.</remarks>
    public static CliJsonContext Output => s_output ??= new(new JsonSerializerOptions(Default.Options)
    {
        TypeInfoResolver = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>As <see cref="Output"/>, but each value on one line: for commands that stream JSON lines (<c>listen</c>, <c>tail</c>, <c>lag</c> and <c>stats</c> with <c>--watch</c>).</summary>
    public static CliJsonContext Lines => s_lines ??= new(new JsonSerializerOptions(Default.Options)
    {
        TypeInfoResolver = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    });
}
