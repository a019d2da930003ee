namespace Herald.Keys;

/// <summary>
/// Builds every Redis key Herald uses: <c>&lt;prefix&gt;:{&lt;tag&gt;}:&lt;part&gt;</c>. The braces are a cluster hash
/// tag, so all keys of one stream partition or queue live in one slot and every Lua script that touches
/// them works in a cluster. No key is concatenated anywhere else.
/// </summary>
/// <remarks>
/// A destination's tag is its name; partition <c>p</c> of a partitioned stream has the tag <c>name#p</c>,
/// so each partition can live on a different cluster node.
/// </remarks>
public sealed class KeySchema
{
    private static readonly System.Buffers.SearchValues<char> s_reserved = System.Buffers.SearchValues.Create("{}#\r\n ");
    private static readonly System.Buffers.SearchValues<char> s_escaped = System.Buffers.SearchValues.Create("{}#%");

    // Tags no destination can have ('#' is reserved in names), for keys that belong to no destination.
    private const string WorkersTag = "#workers";
    private const string ThroughputTag = "#throughput";
    private const string TaskTagPrefix = "#task:";
    private const string TasksTag = "#tasks";
    private const string SchedulesTag = "#schedules";

    // Each rate limit has its own tag, so a cluster spreads limits over its nodes; the '#' keeps them apart from destinations.
    private const string RateLimitTagPrefix = "#rate:";

    /// <summary>The prefix used when none is configured.</summary>
    public const string DefaultPrefix = "herald";

    /// <summary>Creates a schema; <paramref name="prefix"/> separates Herald's keys from an application's own.</summary>
    public KeySchema(string prefix = DefaultPrefix)
    {
        ValidatePrefix(prefix);
        Prefix = prefix;
    }

    /// <summary>The shared default schema.</summary>
    public static KeySchema Default { get; } = new();

    /// <summary>The first segment of every key.</summary>
    public string Prefix { get; }

    /// <summary>The hash tag of a destination or of one partition of it.</summary>
    public static string Tag(string name, int? partition = null)
    {
        ValidateName(name);
        if (partition is null)
        {
            return name;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(partition.Value, nameof(partition));
        return $"{name}#{partition.Value}";
    }

    /// <summary>The stream that holds a destination's entries (one partition of it when partitioned).</summary>
    public string Stream(string name, int? partition = null) => Key(Tag(name, partition), "stream");

    /// <summary>The dead-letter stream next to a stream partition or queue (same slot, so moves are atomic).</summary>
    public string DeadLetters(string name, int? partition = null) => Key(Tag(name, partition), "dlq");

    /// <summary>
    /// The dead-letter stream of a Pub/Sub channel: <see cref="DeadLetters"/> of the channel's
    /// <see cref="EscapeName">escaped</see> name. An ordinary channel name is unchanged, so
    /// <c>channel:orders</c> dead-letters into <c>herald:{orders}:dlq</c>, shared with a stream or queue
    /// called <c>orders</c> as a queue's is with its stream; each entry's <c>dlq-origin</c> tells them apart.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="channel"/> is empty.</exception>
    public string ChannelDeadLetters(string channel) => DeadLetters(EscapeName(channel));

    /// <summary>
    /// Sorted set of one consumer group's messages waiting for a delayed retry, scored by due time (ms).
    /// Retries belong to the group that failed them: other groups of the stream never see them again.
    /// </summary>
    public string Retries(string name, string group, int? partition = null)
    {
        ValidateName(group);
        return Key(Tag(name, partition), $"retry:{group}");
    }

    /// <summary>The stream into which due retries of one consumer group are promoted; only that group reads it.</summary>
    public string RetriedStream(string name, string group, int? partition = null)
    {
        ValidateName(group);
        return Key(Tag(name, partition), $"retried:{group}");
    }

    /// <summary>The marker that a message id was processed, for duplicate suppression.</summary>
    public string Dedup(string name, string group, string messageId) => Key(Tag(name), $"dedup:{group}:{messageId}");

    /// <summary>
    /// Hash of paused consumer groups (field: group name, value: when, Unix ms) of a destination, shared by
    /// every worker. One per kind, so pausing a group of <c>stream:orders</c> leaves <c>queue:orders</c> alone.
    /// </summary>
    public string Paused(string name, DestinationKind kind) => Key(Tag(name), $"paused:{Destination.KindName(kind)}");

    /// <summary>The list of a queue at a priority level (0 is the highest and the default).</summary>
    public string Queue(string name, int priority = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(priority);
        return Key(Tag(name), priority == 0 ? "queue" : $"queue:{priority}");
    }

    /// <summary>A consumer's processing list: messages it took from a queue and has not acknowledged.</summary>
    public string Processing(string name, string consumer)
    {
        ValidateName(consumer);
        return Key(Tag(name), $"processing:{consumer}");
    }

    /// <summary>
    /// A consumer's landing list: where its blocking wait puts an item, for the take script queued right behind
    /// the wait to move it into the processing list and count its deliveries, in the same round trip.
    /// </summary>
    public string Landing(string name, string consumer)
    {
        ValidateName(consumer);
        return Key(Tag(name), $"landing:{consumer}");
    }

    /// <summary>
    /// The marker that a message with <paramref name="messageId"/> was published to a queue with
    /// <see cref="PublishOptions.UniqueFor"/>; it expires at the end of that window. The id is
    /// <see cref="EscapeName">escaped</see>, so any id makes a key, and the queue's tag keeps the marker in the queue's slot.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="messageId"/> is empty.</exception>
    public string Unique(string name, string messageId) => Key(Tag(name), "unique:" + EscapeName(messageId));

    /// <summary>Sorted set of a queue's consumers scored by their last heartbeat (ms).</summary>
    public string QueueConsumers(string name) => Key(Tag(name), "consumers");

    /// <summary>Sorted set of a queue's delayed messages and retries at a priority level, scored by due time (ms).</summary>
    public string Delayed(string name, int priority = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(priority);
        return Key(Tag(name), priority == 0 ? "delayed" : $"delayed:{priority}");
    }

    /// <summary>
    /// Hash counting how often the reaper returned a queue item whose consumer died while holding it
    /// (field: lower-case SHA1 hex of the item's bytes), so a message that keeps killing its consumers
    /// is dead-lettered. A field exists only while such an item is unfinished.
    /// </summary>
    public string Deliveries(string name) => Key(Tag(name), "deliveries");

    /// <summary>A key that belongs to no destination, for tools such as the benchmarks: <c>prefix:{purpose}:name</c>.</summary>
    public string Scratch(string purpose, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Key(Tag(purpose), name);
    }

    /// <summary>The registry of every destination Herald has created (a hash: name → kind), for tooling.</summary>
    public string Destinations() => $"{Prefix}:destinations";

    /// <summary>
    /// Sorted set of the workers (clients running consumers) that announced themselves, member the worker id,
    /// scored by the last heartbeat (Unix ms). It shares the reserved tag <c>#workers</c> with
    /// <see cref="Worker"/>, so a heartbeat updates both in one script in a cluster; no destination name can
    /// contain <c>#</c>, so no destination shares the slot by name.
    /// </summary>
    public string Workers() => Key(WorkersTag, "index");

    /// <summary>
    /// Hash describing one worker (host, pid, version, counters, consumers). It expires a few heartbeat
    /// intervals after the last beat, so a worker whose process died disappears by itself.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="workerId"/> is empty or contains reserved characters.</exception>
    public string Worker(string workerId)
    {
        ValidateName(workerId);
        return Key(WorkersTag, $"worker:{workerId}");
    }

    /// <summary>
    /// Hash of throughput counters for one UTC minute (<c>yyyyMMddHHmm</c>): fields
    /// <c>&lt;counter&gt;:&lt;kind&gt;:&lt;name&gt;</c> per destination and <c>&lt;counter&gt;</c> for the total, where the
    /// counter is <c>published</c>, <c>processed</c> or <c>failed</c>. Every minute lives under the reserved tag
    /// <c>#throughput</c>, so a window of minutes is read in one batch from one node.
    /// </summary>
    public string Throughput(DateTimeOffset minute) => Key(ThroughputTag, MinuteName(minute));

    /// <summary>
    /// Hash holding one task's state, attempt, timings, error and result. Each task has its own reserved tag
    /// <c>#task:&lt;id&gt;</c>, so task states spread over a cluster and each state script touches one slot; no
    /// destination name can contain <c>#</c>, so none shares it by name.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="taskId"/> is empty or contains reserved characters.</exception>
    public string Task(string taskId)
    {
        ValidateName(taskId);
        return Key(TaskTagPrefix + taskId, "state");
    }

    /// <summary>A glob matching every <see cref="Task"/> state hash, for access rules.</summary>
    public string TaskPattern() => $"{Prefix}:{{{TaskTagPrefix}*}}:state";

    /// <summary>The Pub/Sub channel on which a task's final state is announced to whoever waits for its result.</summary>
    /// <exception cref="ArgumentException"><paramref name="taskId"/> is empty or contains reserved characters.</exception>
    public string TaskDone(string taskId)
    {
        ValidateName(taskId);
        return Key(TaskTagPrefix + taskId, "done");
    }

    /// <summary>A glob matching every <see cref="TaskDone"/> channel, for access rules.</summary>
    public string TaskDonePattern() => $"{Prefix}:{{{TaskTagPrefix}*}}:done";

    /// <summary>The Pub/Sub channel on which task workers hear control commands, such as terminating a revoked task.</summary>
    public string TaskControl() => Key(TasksTag, "control");

    /// <summary>
    /// Set of the names of the periodic task entries any scheduler has run, for tooling. It shares the reserved tag
    /// <c>#schedules</c> with <see cref="PeriodicSchedule"/>, so one script records a tick in both in a cluster.
    /// </summary>
    public string PeriodicSchedules() => Key(SchedulesTag, "index");

    /// <summary>
    /// Hash describing one periodic task entry: its task, queue and schedule, the last tick enqueued (and its task id)
    /// and the next one due. Schedulers read the last tick when they start, to catch up after downtime.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or contains reserved characters.</exception>
    public string PeriodicSchedule(string name)
    {
        ValidateName(name);
        return Key(SchedulesTag, $"schedule:{name}");
    }

    /// <summary>A glob matching every <see cref="Throughput"/> minute, for access rules (<c>ACL SETUSER ~pattern</c>).</summary>
    public string ThroughputPattern() => Key(ThroughputTag, "*");

    /// <summary>
    /// The state of global rate limit <paramref name="name"/> (<see cref="RateLimiting.RedisRateLimiter"/>): a string
    /// holding the limit's GCRA theoretical arrival time (Unix µs), expiring when the limit is idle again. Its tag is
    /// <c>#rate:</c> and the <see cref="EscapeName">escaped</see> name, so any name is safe and each limit may live on
    /// its own cluster node; no destination name contains <c>#</c>, so no destination shares the tag.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public string RateLimit(string name) => Key(RateLimitTagPrefix + EscapeName(name), "tat");

    /// <summary>A glob matching every <see cref="RateLimit"/> key, for access rules (<c>ACL SETUSER ~pattern</c>).</summary>
    public string RateLimitPattern() => Key(RateLimitTagPrefix + "*", "tat");

    /// <summary>
    /// The name of the global limit that <see cref="Consuming.ConsumerOptions.RateLimit"/> puts on consumer group
    /// <paramref name="group"/> of <paramref name="destination"/>: <c>&lt;kind&gt;:&lt;name&gt;#&lt;group&gt;</c>, with the
    /// channel or pattern name and the group <see cref="EscapeName">escaped</see> so that <c>#</c> separates them
    /// unambiguously. Pass it to a <see cref="RateLimiting.GlobalRateLimiter"/> to draw on that limit from elsewhere.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="group"/> is empty.</exception>
    public static string GroupRateLimitName(Destination destination, string group) =>
        $"{Destination.KindName(destination.Kind)}:{KeyName(destination)}#{EscapeName(group)}";

    private static string MinuteName(DateTimeOffset minute) =>
        minute.ToUniversalTime().ToString("yyyyMMddHHmm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Maps any Pub/Sub channel or pattern (Redis allows every byte in one) to a name
    /// <see cref="ValidateName"/> accepts: braces, <c>#</c>, <c>%</c>, whitespace and control characters become
    /// <c>%XX</c> (their UTF-8 bytes in upper-case hex), everything else stays. The mapping is one-to-one
    /// (a literal <c>%</c> is escaped too), and names that are valid already, other than those with <c>%</c>,
    /// are returned unchanged, so their keys read as they are written.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public static string EscapeName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!name.Any(NeedsEscape))
        {
            return name;
        }

        var escaped = new System.Text.StringBuilder(name.Length + 8);
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!NeedsEscape(c))
            {
                escaped.Append(c);
                continue;
            }

            // Whitespace and control characters are all in the BMP, so one char is one scalar here.
            var count = System.Text.Encoding.UTF8.GetBytes([c], bytes);
            foreach (var b in bytes[..count])
            {
                escaped.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return escaped.ToString();

        static bool NeedsEscape(char c) => s_escaped.Contains(c) || char.IsWhiteSpace(c) || char.IsControl(c);
    }

    /// <summary>The name keys of <paramref name="destination"/> are built from: channels and patterns escaped (<see cref="EscapeName"/>).</summary>
    internal static string KeyName(Destination destination) =>
        destination.Kind is DestinationKind.Channel or DestinationKind.Pattern ? EscapeName(destination.Name) : destination.Name;

    /// <summary>
    /// True when <paramref name="name"/> can be part of a key (what <see cref="ValidateName"/> accepts): for names
    /// written by other clients (groups, consumers, ids) that no Herald key can carry and that are skipped, not refused.
    /// </summary>
    public static bool IsValidName([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.AsSpan().IndexOfAny(s_reserved) < 0;

    /// <summary>Throws when <paramref name="name"/> cannot be used inside a key.</summary>
    public static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' cannot name a destination: braces, '#', spaces and line breaks are reserved.", nameof(name));
        }
    }

    private static void ValidatePrefix(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        if (prefix.AsSpan().IndexOfAny(s_reserved) >= 0)
        {
            throw new ArgumentException($"'{prefix}' cannot prefix keys: braces, '#', spaces and line breaks are reserved.", nameof(prefix));
        }
    }

    private string Key(string tag, string part) => $"{Prefix}:{{{tag}}}:{part}";
}
