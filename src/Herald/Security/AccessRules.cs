namespace Herald.Security;

/// <summary>
/// Which roles may publish to and consume from which destinations, enforced by the bus: a client with a
/// <see cref="HeraldOptions.Role"/> cannot publish or consume outside its rules, and a consumer moves a
/// message stamped with a role that may not publish there to the dead-letter store. Pair it with Redis
/// ACLs (<c>herald acl</c>) so a service cannot bypass the bus either.
/// </summary>
public sealed class AccessRules
{
    /// <summary>The message header that carries the publisher's role.</summary>
    public const string RoleHeader = "herald-role";

    /// <summary>Rules by role name.</summary>
    public IDictionary<string, AccessRole> Roles { get; } = new Dictionary<string, AccessRole>(StringComparer.Ordinal);

    /// <summary>Adds or replaces a role.</summary>
    public AccessRules Role(string name, Action<AccessRole> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var role = new AccessRole();
        configure(role);
        Roles[name] = role;
        return this;
    }

    /// <summary>True when <paramref name="role"/> may publish to <paramref name="destination"/>.</summary>
    public bool CanPublish(string? role, Destination destination) =>
        role is not null && Roles.TryGetValue(role, out var rules) && rules.Publish.Any(pattern => Matches(pattern, destination));

    /// <summary>True when <paramref name="role"/> may consume <paramref name="destination"/>.</summary>
    public bool CanConsume(string? role, Destination destination) =>
        role is not null && Roles.TryGetValue(role, out var rules) && rules.Consume.Any(pattern => Matches(pattern, destination));

    /// <summary>
    /// A rule matches <c>kind:name</c> or the bare name with Redis glob syntax (<c>*</c>, <c>?</c>):
    /// <c>stream:orders*</c>, <c>shop:events:*</c>.
    /// </summary>
    public static bool Matches(string pattern, Destination destination)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return Glob(pattern, destination.ToString()) || Glob(pattern, destination.Name);
    }

    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // Iterative glob with backtracking to the last '*': linear in practice, no recursion.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}

/// <summary>What one role may do.</summary>
public sealed class AccessRole
{
    /// <summary>Destination patterns the role may publish to.</summary>
    public IList<string> Publish { get; } = [];

    /// <summary>Destination patterns the role may consume.</summary>
    public IList<string> Consume { get; } = [];
}
