using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Herald.Cli.Output;
using Herald.Redis;
using Spectre.Console;

namespace Herald.Cli.Commands.Ping;

/// <summary><c>herald ping</c>: connects, sends <c>PING</c> and reports the round trip, the server version and the protocol.</summary>
internal static class PingCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count", "-c")
        {
            Description = "How many PINGs to send, one after the other.",
            DefaultValueFactory = _ => 1,
        }.InRange(1, 1_000_000);

        return new Command("ping", "Check that Redis answers: round trip time, server version and protocol.") { count }
            .WithHandler((context, parseResult, cancellationToken) => RunAsync(context, parseResult.GetValue(count), cancellationToken));
    }

    private static async Task<int> RunAsync(CliContext context, int count, CancellationToken cancellationToken)
    {
        var connecting = Stopwatch.StartNew();
        await using var client = await context.ConnectAsync(cancellationToken);
        var connectMilliseconds = connecting.Elapsed.TotalMilliseconds;

        var roundTrips = new double[count];
        var ping = new RedisCommand("PING");
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.ExecuteAsync(ping, RespParsers.Ignore, cancellationToken);
            roundTrips[i] = Math.Round(Stopwatch.GetElapsedTime(start).TotalMilliseconds, 3);
        }

        var result = new PingResult(
            context.RedisDisplayUrl,
            client.Endpoint?.ToString() ?? string.Empty,
            client.ServerVersion,
            client.ProtocolVersion,
            Math.Round(connectMilliseconds, 3),
            roundTrips,
            roundTrips.Min(),
            Math.Round(roundTrips.Average(), 3),
            roundTrips.Max());
        context.Write(result, CliJsonContext.Output.PingResult, Render);
        return ExitCodes.Success;
    }

    private static void Render(IAnsiConsole console, PingResult result)
    {
        foreach (var milliseconds in result.RoundTripsMilliseconds)
        {
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"[green]PONG[/] from {result.Endpoint} (Redis {result.ServerVersion}, RESP{result.Protocol}): time={milliseconds:0.000} ms");
        }

        if (result.RoundTripsMilliseconds.Count > 1)
        {
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"[grey]{result.RoundTripsMilliseconds.Count} round trips, min/avg/max = {result.MinMilliseconds:0.000}/{result.AverageMilliseconds:0.000}/{result.MaxMilliseconds:0.000} ms; connect {result.ConnectMilliseconds:0.000} ms[/]");
        }
    }
}
