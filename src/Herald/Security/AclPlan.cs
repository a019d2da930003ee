using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Herald.Keys;

namespace Herald.Security;

/// <summary>
/// The Redis ACL rules that confine one service (<see cref="AclService"/>) to its own keys, channels and the
/// commands the bus runs for it: <c>ACL SETUSER</c> commands to apply with <c>redis-cli</c> or any client
/// (<c>herald acl</c> prints them). Everything else is refused with <c>NOPERM</c>: other services' keys and
/// channels, and commands such as <c>FLUSHALL</c>, <c>CONFIG</c>, <c>KEYS</c> or <c>DEBUG</c>.
/// </summary>
/// <remarks>
/// Keys are allowed part by part, as <see cref="KeySchema"/> builds them: a publisher gets only the stream
/// (every partition) or the queue lists, delayed sets and unique-publish markers it writes; a consumer gets the
/// destination's dead letters, retries, processing and landing lists, consumer heartbeats, pause flags, dedup
/// markers and the rate limits of its groups (<see cref="KeySchema.GroupRateLimitName"/>) as well. The
/// registry hash (<see cref="KeySchema.Destinations"/>) is writable, because every bus registers the
/// destinations it touches there. Lua scripts run under the same rules, so they add no reach.
/// </remarks>
public sealed class AclPlan
{
    private static readonly System.Buffers.SearchValues<char> s_glob = System.Buffers.SearchValues.Create("*?[]\\");

    private AclPlan(string user, string password, IReadOnlyList<string> commands, IReadOnlyList<string> keys, IReadOnlyList<string> channels)
    {
        User = user;
        PasswordRule = password;
        Commands = commands;
        KeyPatterns = keys;
        ChannelPatterns = channels;
    }

    /// <summary>The Redis user name.</summary>
    public string User { get; }

    /// <summary>The password rule: <c>#&lt;sha256&gt;</c> or <c>nopass</c>.</summary>
    public string PasswordRule { get; }

    /// <summary>The commands allowed, lower case, subcommands as <c>command|subcommand</c>; everything else is denied.</summary>
    public IReadOnlyList<string> Commands { get; }

    /// <summary>The key patterns allowed (Redis glob syntax, literal parts escaped), read and write.</summary>
    public IReadOnlyList<string> KeyPatterns { get; }

    /// <summary>The Pub/Sub channels and patterns allowed; a pattern consumer gets its pattern as written, which <c>PSUBSCRIBE</c> requires.</summary>
    public IReadOnlyList<string> ChannelPatterns { get; }

    /// <summary>
    /// The commands to run, each as its arguments (<c>ACL</c>, <c>SETUSER</c>, user, rules…). The first resets the
    /// user, so applying the plan again replaces what an older plan allowed instead of adding to it.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> SetUserCommands
    {
        get
        {
            List<IReadOnlyList<string>> commands =
            [
                ["ACL", "SETUSER", User, "reset", "on", PasswordRule],
                ["ACL", "SETUSER", User, .. Commands.Select(static c => "+" + c)],
                ["ACL", "SETUSER", User, .. KeyPatterns.Select(static k => "~" + k)],
            ];
            if (ChannelPatterns.Count > 0)
            {
                commands.Add(["ACL", "SETUSER", User, .. ChannelPatterns.Select(static c => "&" + c)]);
            }

            return commands;
        }
    }

    /// <summary>Builds the plan for <paramref name="service"/>.</summary>
    /// <exception cref="InvalidOptionException">The service is incomplete or names something impossible.</exception>
    public static AclPlan Create(AclService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        service.Validate();
        var keys = new KeySchema(EscapeGlob(service.KeyPrefix));
        var commands = new SortedSet<string>(StringComparer.Ordinal) { "hello", "auth", "ping", "select", "client|setname", "info", "quit" };
        if (service.RedisVersion is { } version && version >= new Version(7, 2))
        {
            commands.Add("client|setinfo");
        }

        var keyPatterns = new List<string>();
        var channels = new List<string>();
        foreach (var destination in service.Publish)
        {
            AddPublisher(destination, keys, commands, keyPatterns, channels);
        }

        foreach (var destination in service.Consume)
        {
            AddConsumer(destination, keys, commands, keyPatterns, channels);
        }

        if (service.Tasks)
        {
            AddTasks(keys, commands, keyPatterns, channels);
        }

        if (keyPatterns.Count > 0)
        {
            // Streams and queues register themselves for tooling with HSET on first use.
            keyPatterns.Add(keys.Destinations());
            commands.Add("hset");

            // Every bus adds its counts to the per-minute throughput history, and one running consumers beats in
            // the worker registry (scripts WorkerHeartbeat, WorkerRemove, ThroughputAdd).
            keyPatterns.Add(keys.ThroughputPattern());
            keyPatterns.Add(keys.Workers());
            keyPatterns.Add(keys.Worker("*"));
            foreach (var command in (string[])["hincrby", "pexpire", "zadd", "zrem", "del", "exists"])
            {
                commands.Add(command);
            }
        }

        var password = service.NoPassword ? "nopass" : "#" + (service.PasswordHash?.ToLowerInvariant() ?? Sha256(service.Password!));
        return new AclPlan(service.User, password, [.. commands], [.. keyPatterns.Distinct(StringComparer.Ordinal)], [.. channels.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>The plan as lines for <c>redis-cli</c>: <c>ACL SETUSER …</c>, arguments quoted where the shell of redis-cli needs it.</summary>
    public IReadOnlyList<string> ToLines() => [.. SetUserCommands.Select(static command => string.Join(' ', command.Select(Quote)))];

    /// <summary>Quotes an argument for a <c>redis-cli</c> command line when it holds spaces, quotes, backslashes or control characters.</summary>
    public static string Quote(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (argument.Length > 0 && !argument.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '\'' or '\\'))
        {
            return argument;
        }

        var quoted = new StringBuilder(argument.Length + 2).Append('"');
        foreach (var c in argument)
        {
            _ = c switch
            {
                '"' or '\\' => quoted.Append('\\').Append(c),
                '\n' => quoted.Append("\\n"),
                '\r' => quoted.Append("\\r"),
                '\t' => quoted.Append("\\t"),
                _ when char.IsControl(c) => quoted.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>Escapes the glob characters of Redis patterns (<c>* ? [ ] \</c>) so that <paramref name="text"/> matches only itself.</summary>
    public static string EscapeGlob(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny(s_glob) < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (s_glob.Contains(c))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    // Task states (scripts TaskStart, TaskFinish, TaskRevoke; HGETALL to read them), the result announcements and
    // the control channel, task rate limits (RateLimitAcquire reads TIME) and periodic schedule records
    // (ScheduleRecord; SMEMBERS to list them). Task ids and entry names are the service's own, so the state keys
    // are allowed by pattern, under the service's prefix only.
    private static void AddTasks(KeySchema keys, ISet<string> commands, List<string> keyPatterns, List<string> channels)
    {
        keyPatterns.Add(keys.TaskPattern());
        keyPatterns.Add(keys.RateLimit("task:*"));
        keyPatterns.Add(keys.PeriodicSchedules());
        keyPatterns.Add(keys.PeriodicSchedule("*"));
        channels.Add(keys.TaskDonePattern());
        channels.Add(keys.TaskControl());
        foreach (var command in (string[])["evalsha", "eval", "script|load", "time", "hget", "hgetall", "hset", "hdel", "pexpire", "sadd", "smembers", "publish", "subscribe", "unsubscribe"])
        {
            commands.Add(command);
        }
    }

    private static void AddPublisher(Destination destination, KeySchema keys, ISet<string> commands, List<string> keyPatterns, List<string> channels)
    {
        switch (destination.Kind)
        {
            case DestinationKind.Stream:
                {
                    var name = EscapeGlob(destination.Name);
                    keyPatterns.Add(keys.Stream(name));
                    keyPatterns.Add(EveryPartition(keys.Stream(name, 0)));
                    commands.Add("xadd");
                    break;
                }

            case DestinationKind.Queue:
                {
                    var name = EscapeGlob(destination.Name);
                    keyPatterns.AddRange([keys.Queue(name), EveryPriority(keys.Queue(name, 1)), keys.Delayed(name), EveryPriority(keys.Delayed(name, 1)), keys.Unique(name, "*")]);

                    // Publishing with UniqueFor runs QueuePublishUnique, which sets the id's marker.
                    commands.UnionWith(["lpush", "zadd", "set"]);
                    commands.UnionWith(Scripts);
                    break;
                }

            default:
                channels.Add(EscapeGlob(destination.Name));
                commands.Add("publish");
                break;
        }
    }

    private static void AddConsumer(Destination destination, KeySchema keys, ISet<string> commands, List<string> keyPatterns, List<string> channels)
    {
        // Every consumer checks its pause flag and may keep dedup markers and write dead letters.
        commands.UnionWith(["hexists", "set", "get", "del", "xadd"]);

        // A consumer group may share a global rate limit (script RateLimitAcquire, which reads the server's TIME).
        keyPatterns.Add(keys.RateLimit(KeySchema.GroupRateLimitName(destination with { Name = EscapeGlob(destination.Name) }, "*")));
        commands.UnionWith(Scripts);
        commands.Add("time");
        switch (destination.Kind)
        {
            case DestinationKind.Stream:
                {
                    var name = EscapeGlob(destination.Name);
                    foreach (var partition in new int?[] { null, 0 })
                    {
                        string[] parts =
                        [
                            keys.Stream(name, partition), keys.DeadLetters(name, partition),
                            keys.Retries(name, "*", partition), keys.RetriedStream(name, "*", partition),
                        ];
                        keyPatterns.AddRange(partition is null ? parts : parts.Select(EveryPartition));
                    }

                    keyPatterns.AddRange([keys.Paused(name, DestinationKind.Stream), keys.Dedup(name, "*", "*")]);
                    commands.UnionWith(
                    [
                        "xreadgroup", "xack", "xautoclaim", "xclaim", "xpending", "xgroup|create", "xgroup|createconsumer",
                        "xinfo|groups", "xtrim", "xrange", "xrevrange", "zadd", "zrangebyscore", "zrem", "zscore",
                    ]);
                    break;
                }

            case DestinationKind.Queue:
                {
                    var name = EscapeGlob(destination.Name);
                    keyPatterns.AddRange(
                    [
                        keys.Queue(name), EveryPriority(keys.Queue(name, 1)), keys.Delayed(name), EveryPriority(keys.Delayed(name, 1)),
                        keys.Processing(name, "*"), keys.Landing(name, "*"), keys.QueueConsumers(name), keys.Deliveries(name), keys.DeadLetters(name),
                        keys.Paused(name, DestinationKind.Queue), keys.Dedup(name, "*", "*"),
                    ]);
                    commands.UnionWith(
                    [
                        "blmove", "lmove", "lpush", "rpush", "lrange", "lrem", "zadd", "zrangebyscore", "zrem", "zscore",
                        "hget", "hdel", "hincrby", "hlen", "exists",
                    ]);
                    break;
                }

            case DestinationKind.Channel:
                {
                    var name = EscapeGlob(KeySchema.EscapeName(destination.Name));
                    keyPatterns.AddRange([keys.DeadLetters(name), keys.Paused(name, DestinationKind.Channel), keys.Dedup(name, "*", "*")]);
                    channels.Add(EscapeGlob(destination.Name));
                    commands.UnionWith(["subscribe", "unsubscribe"]);
                    break;
                }

            default:
                {
                    // Messages through a pattern are dead-lettered and deduplicated under the channel they came on,
                    // so those keys take the pattern as a glob; the pause flag is the pattern's own.
                    var glob = KeySchema.EscapeName(destination.Name);
                    keyPatterns.AddRange([keys.DeadLetters(glob), keys.Dedup(glob, "*", "*"), keys.Paused(EscapeGlob(glob), DestinationKind.Pattern)]);
                    channels.Add(destination.Name);
                    commands.UnionWith(["psubscribe", "punsubscribe"]);
                    break;
                }
        }
    }

    private static IEnumerable<string> Scripts => ["evalsha", "eval", "script|load"];

    // Partition p has the tag "name#p"; names cannot hold '#', so "#0}" occurs once, and only digits follow '#'.
    private static string EveryPartition(string partitionZeroKey) => partitionZeroKey.Replace("#0}", "#[0-9]*}", StringComparison.Ordinal);

    // Priority level n > 0 is the suffix ":n" of the level-0 key.
    private static string EveryPriority(string levelOneKey) => levelOneKey[..^1] + "[1-9]*";

    private static string Sha256(string password) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));
}
