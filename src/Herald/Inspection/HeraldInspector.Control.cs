using System.Globalization;
using Herald.Consuming;
using Herald.Keys;
using Herald.Redis.Commands;

namespace Herald.Inspection;

/// <summary>
/// Cluster-wide pause and resume of a consumer group: a field in the destination's paused hash
/// (<see cref="KeySchema.Paused"/>) that every consumer of the group polls; a paused consumer lets its
/// in-flight work finish and fetches nothing new until the field is gone.
/// </summary>
public sealed partial class HeraldInspector
{
    /// <summary>The group consumers join when they name none (<see cref="ConsumerOptions.Group"/>): the one a queue's consumers usually share.</summary>
    public const string DefaultGroup = "default";

    /// <summary>Pauses <paramref name="group"/> of <paramref name="destination"/> on every worker, within one maintenance cycle of each.</summary>
    /// <returns>True when it was not paused before.</returns>
    /// <exception cref="DestinationNotFoundException">A stream or queue the registry does not know.</exception>
    public async ValueTask<bool> PauseAsync(Destination destination, string group = DefaultGroup, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        await LayoutAsync(destination, cancellationToken).ConfigureAwait(false);
        var since = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return await _redis.HashSetAsync(PausedKey(destination), group, since, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes a group paused with <see cref="PauseAsync"/>.</summary>
    /// <returns>True when it was paused.</returns>
    /// <exception cref="DestinationNotFoundException">A stream or queue the registry does not know.</exception>
    public async ValueTask<bool> ResumeAsync(Destination destination, string group = DefaultGroup, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        await LayoutAsync(destination, cancellationToken).ConfigureAwait(false);
        return await _redis.HashDeleteAsync(PausedKey(destination), [group], cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Whether <paramref name="group"/> of <paramref name="destination"/> is paused cluster-wide.</summary>
    public async ValueTask<bool> IsPausedAsync(Destination destination, string group = DefaultGroup, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        return await _redis.HashExistsAsync(PausedKey(destination), group, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every paused group of every registered destination, by destination then group.</summary>
    public async ValueTask<IReadOnlyList<PausedGroup>> ListPausedAsync(CancellationToken cancellationToken = default)
    {
        var registry = await ReadRegistryAsync(cancellationToken).ConfigureAwait(false);
        var paused = new List<PausedGroup>();
        foreach (var destination in registry.Keys.OrderBy(static d => d.Kind).ThenBy(static d => d.Name, StringComparer.Ordinal))
        {
            foreach (var (group, since) in (await PausedGroupsAsync(destination, cancellationToken).ConfigureAwait(false)).OrderBy(static g => g.Key, StringComparer.Ordinal))
            {
                paused.Add(new PausedGroup(destination, group, since));
            }
        }

        return paused;
    }

    // Group → when it was paused (null when the value is not the inspector's Unix milliseconds).
    private async ValueTask<IReadOnlyDictionary<string, DateTimeOffset?>> PausedGroupsAsync(Destination destination, CancellationToken cancellationToken)
    {
        var fields = await _redis.HashGetAllAsync(PausedKey(destination), cancellationToken).ConfigureAwait(false);
        var groups = new Dictionary<string, DateTimeOffset?>(fields.Count, StringComparer.Ordinal);
        foreach (var (group, value) in fields)
        {
            groups[group] = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : null;
        }

        return groups;
    }

    private string PausedKey(Destination destination) => _keys.Paused(KeySchema.KeyName(destination), destination.Kind);
}
