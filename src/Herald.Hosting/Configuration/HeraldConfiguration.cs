using System.ComponentModel;
using System.IO.Compression;
using System.Reflection;
using Herald.Codecs;
using Herald.Hosting.Monitoring;
using Herald.Security;
using Herald.Transports.Lists;
using Herald.Transports.Streams;
using Microsoft.Extensions.Configuration;

namespace Herald.Hosting.Configuration;

/// <summary>
/// Reads a configuration section into <see cref="HeraldOptions"/>. Keys are the property names of the
/// options (<c>KeyPrefix</c>, <c>Streams:orders:Partitions</c>); the few settings whose .NET type is not a
/// plain value have a configuration form: <c>Codecs:Compression</c> is <c>gzip</c>, <c>br</c> or <c>none</c>,
/// <c>Codecs:Encryption:Keys:&lt;id&gt;</c> holds base64 keys with <c>Codecs:Encryption:CurrentKeyId</c>, and
/// <c>Access:Roles:&lt;role&gt;:Publish</c>/<c>Consume</c> are lists of patterns. An unknown key or a value that
/// does not convert is an <see cref="InvalidOptionException"/> naming the key, never silently ignored.
/// </summary>
internal static class HeraldConfiguration
{
    private static readonly string[] s_topLevel =
    [
        nameof(HeraldOptions.Redis), nameof(HeraldOptions.KeyPrefix), nameof(HeraldOptions.Source), nameof(HeraldOptions.ValidateOnPublish),
        nameof(HeraldOptions.Role), nameof(HeraldOptions.Codecs), nameof(HeraldOptions.DefaultStream), nameof(HeraldOptions.Streams),
        nameof(HeraldOptions.DefaultQueue), nameof(HeraldOptions.Queues), nameof(HeraldOptions.Access), MonitoringKey,
        nameof(HeraldOptions.WorkerHeartbeatInterval), nameof(HeraldOptions.ThroughputRetention),
    ];

    private static readonly string[] s_codecs =
    [
        nameof(CodecOptions.Compression), CompressionLevelKey, nameof(CodecOptions.CompressionThreshold),
        nameof(CodecOptions.MaxMessageSize), nameof(CodecOptions.Encryption),
    ];

    /// <summary>The section of <see cref="HeraldMonitoringOptions"/>: hosting settings, not the client's.</summary>
    public const string MonitoringKey = "Monitoring";

    private const string CompressionLevelKey = "CompressionLevel";
    private const string KeysKey = "Keys";
    private const string CurrentKeyIdKey = "CurrentKeyId";
    private const string RolesKey = "Roles";

    /// <summary>Applies every key under <paramref name="section"/> to <paramref name="options"/>; paths in errors are relative to the section.</summary>
    /// <exception cref="InvalidOptionException">A key is unknown or its value does not convert.</exception>
    public static void Bind(IConfiguration section, HeraldOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var child in section.GetChildren())
        {
            var key = child.Key;
            switch (Known(key, s_topLevel, string.Empty, "Herald setting"))
            {
                case nameof(HeraldOptions.Redis): options.Redis = child.Value ?? string.Empty; break;
                case nameof(HeraldOptions.KeyPrefix): options.KeyPrefix = child.Value ?? string.Empty; break;
                case nameof(HeraldOptions.Source): options.Source = child.Value ?? string.Empty; break;
                case nameof(HeraldOptions.Role): options.Role = string.IsNullOrEmpty(child.Value) ? null : child.Value; break;
                case nameof(HeraldOptions.ValidateOnPublish): options.ValidateOnPublish = (bool)Convert(child, key, typeof(bool))!; break;
                case nameof(HeraldOptions.Codecs): BindCodecs(child, options.Codecs ??= new CodecOptions(), key); break;
                case nameof(HeraldOptions.DefaultStream): BindObject(child, options.DefaultStream ??= new StreamOptions(), key); break;
                case nameof(HeraldOptions.DefaultQueue): BindObject(child, options.DefaultQueue ??= new QueueOptions(), key); break;
                case nameof(HeraldOptions.Streams): BindNamed(child, options.Streams, key); break;
                case nameof(HeraldOptions.Queues): BindNamed(child, options.Queues, key); break;
                case nameof(HeraldOptions.Access): BindAccess(child, options.Access ??= new AccessRules(), key); break;
                case nameof(HeraldOptions.WorkerHeartbeatInterval): options.WorkerHeartbeatInterval = (TimeSpan)Convert(child, key, typeof(TimeSpan))!; break;
                case nameof(HeraldOptions.ThroughputRetention): options.ThroughputRetention = (TimeSpan)Convert(child, key, typeof(TimeSpan))!; break;
                case MonitoringKey: break;
            }
        }
    }

    /// <summary>Applies the <c>Monitoring</c> section under <paramref name="section"/>, if any, to <paramref name="options"/>.</summary>
    /// <exception cref="InvalidOptionException">A key is unknown or its value does not convert.</exception>
    public static void BindMonitoring(IConfiguration section, HeraldMonitoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var child in section.GetChildren())
        {
            if (string.Equals(child.Key, MonitoringKey, StringComparison.OrdinalIgnoreCase))
            {
                BindObject(child, options, MonitoringKey);
            }
        }
    }

    private static void BindCodecs(IConfigurationSection section, CodecOptions codecs, string path)
    {
        // The level shapes the compressor, so it is read first whatever the key order.
        var level = section.GetSection(CompressionLevelKey) is { Value: not null } levelSection
            ? (CompressionLevel)Convert(levelSection, $"{path}:{CompressionLevelKey}", typeof(CompressionLevel))!
            : CompressionLevel.Fastest;
        foreach (var child in section.GetChildren())
        {
            var key = $"{path}:{child.Key}";
            switch (Known(child.Key, s_codecs, path, "codec setting"))
            {
                case nameof(CodecOptions.Compression):
                    codecs.Compression = child.Value?.Trim().ToLowerInvariant() switch
                    {
                        "gzip" => new GzipCompressor { Level = level },
                        "br" or "brotli" => new BrotliCompressor { Level = level },
                        "none" or "" or null => null,
                        _ => throw new InvalidOptionException(key, $"must be gzip, br or none (it is '{child.Value}')."),
                    };
                    break;
                case CompressionLevelKey:
                    if (section.GetSection(nameof(CodecOptions.Compression)).Value is null)
                    {
                        throw new InvalidOptionException(key, "needs Compression (gzip or br) in the same section.");
                    }

                    break;
                case nameof(CodecOptions.CompressionThreshold): codecs.CompressionThreshold = (int)Convert(child, key, typeof(int))!; break;
                case nameof(CodecOptions.MaxMessageSize): codecs.MaxMessageSize = (int)Convert(child, key, typeof(int))!; break;
                case nameof(CodecOptions.Encryption): BindEncryption(child, codecs.Encryption ??= new EncryptionKeyRing(), key); break;
            }
        }
    }

    private static void BindEncryption(IConfigurationSection section, EncryptionKeyRing ring, string path)
    {
        string? current = null;
        foreach (var child in section.GetChildren())
        {
            switch (Known(child.Key, [KeysKey, CurrentKeyIdKey], path, "encryption setting"))
            {
                case CurrentKeyIdKey: current = string.IsNullOrWhiteSpace(child.Value) ? null : child.Value; break;
                case KeysKey:
                    foreach (var key in child.GetChildren())
                    {
                        ring.Add(key.Key, DecodeKey(key, $"{path}:{KeysKey}:{key.Key}"), makeCurrent: false);
                    }

                    break;
            }
        }

        if (current is not null)
        {
            if (!ring.KeyIds.Contains(current, StringComparer.Ordinal))
            {
                throw new InvalidOptionException($"{path}:{CurrentKeyIdKey}", $"must name one of the keys ({string.Join(", ", ring.KeyIds.Order(StringComparer.Ordinal))}); '{current}' is not one of them.");
            }

            ring.SetCurrent(current);
        }
        else if (!ring.HasCurrentKey)
        {
            // Configuration lists keys in no meaningful order, so "the first added" cannot pick the current one.
            if (ring.KeyIds.Count != 1)
            {
                throw new InvalidOptionException($"{path}:{CurrentKeyIdKey}", $"must name the key that encrypts new messages (one of {string.Join(", ", ring.KeyIds.Order(StringComparer.Ordinal))}).");
            }

            ring.SetCurrent(ring.KeyIds.Single());
        }
    }

    private static byte[] DecodeKey(IConfigurationSection section, string path)
    {
        byte[] key;
        try
        {
            key = System.Convert.FromBase64String(section.Value ?? string.Empty);
        }
        catch (FormatException exception)
        {
            // Never echo the value: it is a secret.
            throw new InvalidOptionException(path, "must be a 32-byte AES-256 key in base64; the value is not base64.", exception);
        }

        return key.Length == 32 ? key : throw new InvalidOptionException(path, $"must be a 32-byte AES-256 key in base64; it decodes to {key.Length} bytes.");
    }

    private static void BindAccess(IConfigurationSection section, AccessRules access, string path)
    {
        foreach (var child in section.GetChildren())
        {
            Known(child.Key, [RolesKey], path, "access setting");
            foreach (var role in child.GetChildren())
            {
                var rolePath = $"{path}:{RolesKey}:{role.Key}";
                if (!access.Roles.TryGetValue(role.Key, out var rules))
                {
                    access.Roles[role.Key] = rules = new AccessRole();
                }

                foreach (var list in role.GetChildren())
                {
                    var patterns = Known(list.Key, [nameof(AccessRole.Publish), nameof(AccessRole.Consume)], rolePath, "role setting") == nameof(AccessRole.Publish)
                        ? rules.Publish
                        : rules.Consume;
                    foreach (var pattern in Values(list))
                    {
                        patterns.Add(pattern);
                    }
                }
            }
        }
    }

    // A list is children 0, 1, …; a single string is accepted as a list of one.
    private static IEnumerable<string> Values(IConfigurationSection section) =>
        section.Value is { Length: > 0 } single ? [single] : section.GetChildren().Select(static c => c.Value).OfType<string>().Where(static v => v.Length > 0);

    private static void BindNamed<T>(IConfigurationSection section, IDictionary<string, T> items, string path)
        where T : class, new()
    {
        foreach (var child in section.GetChildren())
        {
            if (!items.TryGetValue(child.Key, out var item))
            {
                items[child.Key] = item = new T();
            }

            BindObject(child, item, $"{path}:{child.Key}");
        }
    }

    // Plain options classes (StreamOptions, QueueOptions, HeraldMonitoringOptions): every key is a settable property of a value type.
    private static void BindObject(IConfigurationSection section, object target, string path)
    {
        var properties = target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(static p => p.CanWrite && p.SetMethod!.IsPublic)
            .ToDictionary(static p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            var name = Known(child.Key, [.. properties.Keys], path, $"setting of {Describe(target.GetType())}");
            var property = properties[name];
            property.SetValue(target, Convert(child, $"{path}:{property.Name}", property.PropertyType));
        }
    }

    // Configuration keys are case-insensitive; the canonical name comes back so errors and switches use it.
    private static string Known(string key, IReadOnlyList<string> known, string path, string what)
    {
        foreach (var name in known)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        var setting = path.Length == 0 ? key : $"{path}:{key}";
        throw new InvalidOptionException(setting, $"is not a {what} (known: {string.Join(", ", known)}).");
    }

    private static object? Convert(IConfigurationSection section, string path, Type type)
    {
        if (section.Value is null && section.GetChildren().Any())
        {
            throw new InvalidOptionException(path, $"must be {Expected(type)}, not a section.");
        }

        var text = section.Value;
        var underlying = Nullable.GetUnderlyingType(type);
        if (string.IsNullOrWhiteSpace(text))
        {
            return underlying is not null ? null : throw new InvalidOptionException(path, $"must be {Expected(type)} (it is empty).");
        }

        object? value;
        try
        {
            value = TypeDescriptor.GetConverter(underlying ?? type).ConvertFromInvariantString(text.Trim());
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or OverflowException or NotSupportedException
            || exception.InnerException is FormatException or OverflowException)
        {
            throw new InvalidOptionException(path, $"must be {Expected(type)} (it is '{text}').", exception);
        }

        // Enum parsing accepts any number; only named values mean something.
        return value is Enum named && !Enum.IsDefined(named.GetType(), named)
            ? throw new InvalidOptionException(path, $"must be {Expected(type)} (it is '{text}').")
            : value;
    }

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) || type == typeof(long) ? "a whole number"
            : type == typeof(bool) ? "true or false"
            : type == typeof(TimeSpan) ? "a duration such as 00:00:30"
            : type == typeof(double) ? "a number"
            : type.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(type))}"
            : $"a {type.Name}";
    }

    private static string Describe(Type type) =>
        type == typeof(StreamOptions) ? "a stream" : type == typeof(QueueOptions) ? "a queue" : type == typeof(HeraldMonitoringOptions) ? "monitoring" : type.Name;
}
