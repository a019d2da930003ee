using Herald.Redis;

namespace Herald.Inspection;

/// <summary>
/// The inspector was asked about a stream or queue that Herald's registry (<see cref="Keys.KeySchema.Destinations"/>)
/// does not know: a typo, the wrong key prefix, or a destination nothing has published to or consumed from yet.
/// </summary>
public sealed class DestinationNotFoundException : HeraldException
{
    /// <summary>Creates the exception for <paramref name="destination"/> under <paramref name="prefix"/>.</summary>
    public DestinationNotFoundException(Destination destination, string prefix)
        : base($"Herald knows no {destination} under the key prefix '{prefix}': check the name and the prefix; a destination is known once something published to or consumed from it.")
    {
        Destination = destination;
        Prefix = prefix;
    }

    /// <summary>The destination asked about.</summary>
    public Destination Destination { get; }

    /// <summary>The key prefix the registry was read under.</summary>
    public string Prefix { get; }
}
