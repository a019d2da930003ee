using System.CommandLine;
using System.Globalization;
using Herald.Cli.Output;
using Herald.Redis;
using Spectre.Console;

namespace Herald.Cli.Commands.Info;

/// <summary>
/// <c>herald info [section]</c>: without a section, a table of the main figures (version, mode, role,
/// uptime, clients, memory, ops/s, keyspace); with one (<c>memory</c>, <c>all</c> …), every field it has.
/// </summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var section = new Argument<string?>("section")
        {
            Description = "An INFO section (server, clients, memory, stats, replication, keyspace, all …); omitted: a summary of the main figures.",
            Arity = ArgumentArity.ZeroOrOne,
        };

        return new Command("info", "Show what Redis reports about itself (INFO), as a readable table.") { section }
            .WithHandler((context, parseResult, cancellationToken) => RunAsync(context, parseResult.GetValue(section), cancellationToken));
    }

    private static async Task<int> RunAsync(CliContext context, string? section, CancellationToken cancellationToken)
    {
        await using var client = await context.ConnectAsync(cancellationToken);
        var command = string.IsNullOrWhiteSpace(section) ? new RedisCommand("INFO") : new RedisCommand("INFO", section);
        var text = await client.ExecuteAsync(command, RespParsers.String, cancellationToken) ?? string.Empty;
        var sections = InfoText.Parse(text);
        var result = new InfoResult(context.RedisDisplayUrl, section, InfoSummaryBuilder.Build(sections), sections);
        context.Write(result, CliJsonContext.Output.InfoResult, Render);
        return ExitCodes.Success;
    }

    private static void Render(IAnsiConsole console, InfoResult result)
    {
        if (result.Section is null)
        {
            console.Write(SummaryTable(result));
            return;
        }

        if (result.Sections.Count == 0)
        {
            console.MarkupLineInterpolated($"[yellow]Redis has no INFO section '{result.Section}'.[/]");
            return;
        }

        foreach (var (name, fields) in result.Sections)
        {
            var table = new Table().Title(name).AddColumn("Field").AddColumn("Value");
            foreach (var (field, value) in fields)
            {
                table.AddRow(Markup.Escape(field), Markup.Escape(value));
            }

            console.Write(table);
        }
    }

    private static Table SummaryTable(InfoResult result)
    {
        var summary = result.Summary;
        var table = new Table().Title(Markup.Escape(result.Url)).AddColumn("").AddColumn("");
        table.ShowHeaders = false;
        void Row(string name, string? value) => table.AddRow(new Markup($"[bold]{name}[/]"), new Text(value ?? "-"));

        Row("Version", summary.Version);
        Row("Mode", summary.Mode);
        Row("Role", DescribeRole(summary));
        Row("Uptime", summary.UptimeSeconds is { } uptime ? FormatUptime(TimeSpan.FromSeconds(uptime)) : null);
        Row("Clients", summary.ConnectedClients is { } clients ? Invariant($"{clients} connected, {summary.BlockedClients ?? 0} blocked") : null);
        Row("Memory", summary.UsedMemoryHuman is null ? null : Invariant($"{summary.UsedMemoryHuman} used, peak {summary.PeakMemoryHuman}, limit {(summary.MaxMemoryBytes is 0 or null ? "none" : summary.MaxMemoryHuman)} ({summary.MaxMemoryPolicy})"));
        Row("Ops/s", summary.OpsPerSecond is { } ops ? Invariant($"{ops} now, {summary.TotalCommandsProcessed} since start") : null);
        if (summary.Keyspace.Count == 0)
        {
            Row("Keyspace", "empty");
        }

        for (var i = 0; i < summary.Keyspace.Count; i++)
        {
            var db = summary.Keyspace[i];
            Row(i == 0 ? "Keyspace" : string.Empty, Invariant($"{db.Database}: {db.Keys} keys, {db.Expires} expiring"));
        }

        return table;
    }

    private static string? DescribeRole(InfoSummary summary) => summary.Role switch
    {
        null => null,
        "master" => Invariant($"primary, {summary.ConnectedReplicas ?? 0} replica(s)"),
        "slave" => $"replica of {summary.PrimaryEndpoint} (link {summary.PrimaryLinkStatus})",
        var other => other,
    };

    private static string FormatUptime(TimeSpan uptime) =>
        uptime.TotalDays >= 1 ? Invariant($"{(int)uptime.TotalDays}d {uptime.Hours}h {uptime.Minutes}m")
        : uptime.TotalHours >= 1 ? Invariant($"{uptime.Hours}h {uptime.Minutes}m {uptime.Seconds}s")
        : Invariant($"{uptime.Minutes}m {uptime.Seconds}s");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
