using System.CommandLine;
using System.Globalization;
using System.Text;
using Herald.Cli.Commands.Publish;
using Herald.Cli.Messaging;
using Herald.Cli.Output;
using Herald.Tasks;
using Spectre.Console;

namespace Herald.Cli.Commands.Tasks;

/// <summary>
/// <c>herald task enqueue|show|revoke|schedules</c>: run a task from the shell, see a task's state and result, revoke
/// it (terminating a running one), and list the periodic schedules. Everything goes through <see cref="TaskClient"/>.
/// </summary>
internal static class TaskCommand
{
    public static Command Create() => new("task", "Enqueue, inspect and revoke tasks, and list periodic schedules.")
    {
        CreateEnqueue(), CreateShow(), CreateRevoke(), CreateSchedules(),
    };

    private static Command CreateEnqueue()
    {
        var name = new Argument<string>("name") { Description = "The task name, e.g. images.thumbnail." };
        var body = new Argument<string>("args") { Description = "The task's arguments as JSON: the text itself, @file to read a file, or - for standard input." };
        var queue = new Option<string>("--queue", "-q") { Description = "The queue (default: default)." };
        var id = new Option<string>("--id") { Description = "The task id (default: a new sortable id). A task whose id already succeeded is not run again." };
        var delay = CliArguments.Duration("--delay", "Run no sooner than this (500ms, 10s, 5m …).");
        var wait = CliArguments.Duration("--wait", "Wait this long for the task to finish and print its result (exit code 1 when it failed).");
        return new Command("enqueue", "Enqueue a task with JSON arguments; with --wait, wait for its result.") { name, body, queue, id, delay, wait }
            .WithHandler(async (context, parseResult, cancellationToken) =>
            {
                var arguments = PublishCommand.ReadBody(parseResult.GetRequiredValue(body));
                await using var session = await TaskSession.OpenAsync(context, parseResult, cancellationToken);
                var options = new TaskOptions
                {
                    TaskId = parseResult.GetValue(id),
                    Queue = parseResult.GetValue(queue),
                    Delay = parseResult.GetValue(delay),
                };
                TaskHandle handle;
                try
                {
                    handle = await session.Tasks.EnqueueAsync(parseResult.GetRequiredValue(name), new JsonBody(arguments), options, cancellationToken);
                }
                catch (ArgumentException exception)
                {
                    throw new CliUsageException(exception.Message, exception);
                }

                if (parseResult.GetValue(wait) is not { } timeout)
                {
                    context.Write(new TaskEnqueued(handle.TaskId, handle.TaskName, handle.Queue), CliJsonContext.Output.TaskEnqueued,
                        static (console, result) => console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"enqueued [green]{result.TaskId}[/] ({result.Name}) on queue [blue]{result.Queue}[/]"));
                    return ExitCodes.Success;
                }

                TaskInfo info;
                try
                {
                    info = await session.Tasks.WaitAsync(handle.TaskId, timeout, cancellationToken);
                }
                catch (TimeoutException exception)
                {
                    throw new CliUsageException($"{exception.Message} Follow it with 'herald task show {handle.TaskId}'.", exception);
                }

                var view = TaskView.From(session.Tasks, info);
                context.Write(view, CliJsonContext.Output.TaskView, TaskView.Render);
                return info.State == TaskState.Succeeded ? ExitCodes.Success : ExitCodes.Failure;
            });
    }

    private static Command CreateShow()
    {
        var id = new Argument<string>("id") { Description = "The task id." };
        return new Command("show", "Show a task's state, attempts, timings, error and result.") { id }
            .WithHandler(async (context, parseResult, cancellationToken) =>
            {
                await using var session = await TaskSession.OpenAsync(context, parseResult, cancellationToken);
                var info = await session.Tasks.GetInfoAsync(TaskSession.RequireId(parseResult.GetRequiredValue(id)), cancellationToken);
                if (!info.Known)
                {
                    throw new CliNotFoundException($"no state for task '{info.TaskId}' under the key prefix '{session.Prefix}': it has not started yet, "
                        + "never existed, or its state expired (results are kept for the task's ResultTtl, 24 h by default).");
                }

                context.Write(TaskView.From(session.Tasks, info), CliJsonContext.Output.TaskView, TaskView.Render);
                return ExitCodes.Success;
            });
    }

    private static Command CreateRevoke()
    {
        var id = new Argument<string>("id") { Description = "The task id." };
        var terminate = new Option<bool>("--terminate") { Description = "Also cancel the task if a worker runs it now (its token is cancelled and the worker stops waiting for it)." };
        return new Command("revoke", "Revoke a task: a worker drops it unrun and no retry is scheduled; with --terminate, stop it if it runs.") { id, terminate }
            .WithHandler(async (context, parseResult, cancellationToken) =>
            {
                await using var session = await TaskSession.OpenAsync(context, parseResult, cancellationToken);
                var taskId = TaskSession.RequireId(parseResult.GetRequiredValue(id));
                var revoked = await session.Tasks.RevokeAsync(taskId, parseResult.GetValue(terminate), cancellationToken);
                var info = await session.Tasks.GetInfoAsync(taskId, cancellationToken);
                context.Write(new TaskRevoked(taskId, revoked, info.State.ToWire()), CliJsonContext.Output.TaskRevoked, static (console, result) =>
                {
                    if (result.Revoked)
                    {
                        console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"revoked [green]{result.TaskId}[/]");
                    }
                    else
                    {
                        console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[yellow]{result.TaskId} was already over ({result.State}); nothing changed[/]");
                    }
                });
                return ExitCodes.Success;
            });
    }

    private static Command CreateSchedules() => new Command("schedules", "List the periodic task entries schedulers have run, with their last and next ticks.")
        .WithHandler(async (context, parseResult, cancellationToken) =>
        {
            await using var session = await TaskSession.OpenAsync(context, parseResult, cancellationToken);
            var schedules = await session.Tasks.ListSchedulesAsync(cancellationToken);
            var rows = schedules.Select(static s => new ScheduleRow(s.Name, s.TaskName, s.Queue, s.Schedule, s.LastTick, s.NextTick, s.LastTaskId)).ToList();
            context.Write(rows, CliJsonContext.Output.ListScheduleRow, static (console, list) =>
            {
                if (list.Count == 0)
                {
                    console.WriteLine("no periodic schedules under this prefix (a scheduler records its entries when it starts)");
                    return;
                }

                var table = new Table().AddColumns("entry", "task", "queue", "schedule", "last tick", "next tick", "last task");
                foreach (var row in list)
                {
                    table.AddRow(Markup.Escape(row.Name), Markup.Escape(row.Task ?? "-"), Markup.Escape(row.Queue ?? "-"), Markup.Escape(row.Schedule ?? "-"),
                        row.LastTick?.ToString("u", CultureInfo.InvariantCulture) ?? "-", row.NextTick?.ToString("u", CultureInfo.InvariantCulture) ?? "-",
                        Markup.Escape(row.LastTaskId ?? "-"));
                }

                console.Write(table);
            });
            return ExitCodes.Success;
        });
}

/// <summary>A CLI session with a bus and a task client over the configured Redis and key prefix.</summary>
internal sealed class TaskSession : IAsyncDisposable
{
    private readonly Redis.RedisClient _redis;
    private readonly HeraldClient _bus;

    private TaskSession(Redis.RedisClient redis, HeraldClient bus)
    {
        _redis = redis;
        _bus = bus;
        Tasks = bus.CreateTaskClient();
    }

    public TaskClient Tasks { get; }

    public string Prefix => _bus.Keys.Prefix;

    public static async Task<TaskSession> OpenAsync(CliContext context, ParseResult parseResult, CancellationToken cancellationToken)
    {
        var redis = await context.ConnectAsync(cancellationToken);
        try
        {
            return new TaskSession(redis, await CliBus.CreateAsync(redis, CliGlobalOptions.KeySchema(parseResult).Prefix, cancellationToken));
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    public static string RequireId(string id) => Keys.KeySchema.IsValidName(id)
        ? id
        : throw new CliUsageException($"'{id}' is not a task id: braces, '#', spaces and line breaks cannot be in one.");

    public async ValueTask DisposeAsync()
    {
        await _bus.DisposeAsync();
        await _redis.DisposeAsync();
    }
}

/// <summary>The <c>--json</c> shape of <c>herald task show</c> and <c>enqueue --wait</c>.</summary>
internal sealed record TaskView(
    string TaskId,
    string State,
    string? Name,
    string? Queue,
    int Attempt,
    string? Worker,
    DateTimeOffset? EnqueuedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? RetryAt,
    string? Error,
    string? ErrorType,
    string? Result)
{
    public static TaskView From(TaskClient tasks, TaskInfo info)
    {
        // The result's serialised bytes, decompressed and decrypted by the bus's codec, shown as the JSON (or text) they are.
        var result = info is { State: TaskState.Succeeded, HasResult: true }
            ? Encoding.UTF8.GetString(tasks.ReadResult<ReadOnlyMemory<byte>>(info).Span)
            : null;

        return new TaskView(info.TaskId, info.State.ToWire(), info.Name, info.Queue, info.Attempt, info.Worker, info.EnqueuedAt,
            info.StartedAt, info.FinishedAt, info.RetryAt, info.Error, info.ErrorType, result);
    }

    public static void Render(IAnsiConsole console, TaskView view)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string label, string? value) => grid.AddRow(new Markup($"[grey]{label}[/]"), new Text(value ?? "-"));
        Row("task", view.TaskId);
        Row("state", view.State);
        Row("name", view.Name);
        Row("queue", view.Queue);
        Row("attempt", view.Attempt.ToString(CultureInfo.InvariantCulture));
        Row("worker", view.Worker);
        Row("enqueued", view.EnqueuedAt?.ToString("O", CultureInfo.InvariantCulture));
        Row("started", view.StartedAt?.ToString("O", CultureInfo.InvariantCulture));
        Row("finished", view.FinishedAt?.ToString("O", CultureInfo.InvariantCulture));
        if (view.RetryAt is { } retry)
        {
            Row("retry at", retry.ToString("O", CultureInfo.InvariantCulture));
        }

        if (view.Error is not null)
        {
            Row("error", $"{view.Error} ({view.ErrorType ?? "?"})");
        }

        Row("result", view.Result);
        console.Write(grid);
    }
}

/// <summary>The <c>--json</c> shape of <c>herald task enqueue</c> without <c>--wait</c>.</summary>
internal sealed record TaskEnqueued(string TaskId, string Name, string Queue);

/// <summary>The <c>--json</c> shape of <c>herald task revoke</c>.</summary>
internal sealed record TaskRevoked(string TaskId, bool Revoked, string State);

/// <summary>One row of <c>herald task schedules</c>.</summary>
internal sealed record ScheduleRow(string Name, string? Task, string? Queue, string? Schedule, DateTimeOffset? LastTick, DateTimeOffset? NextTick, string? LastTaskId);
