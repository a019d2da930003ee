namespace Herald.Workers;

/// <summary>Reads destinations that Herald wrote as text (<c>stream:orders</c>) into Redis, where anything may have changed them.</summary>
internal static class DestinationText
{
    /// <summary>Parses <paramref name="text"/> as <see cref="Destination.Parse"/> does; false instead of an exception when it is not a destination.</summary>
    public static bool TryParse(string text, out Destination destination)
    {
        try
        {
            destination = Destination.Parse(text);
            return true;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            destination = default;
            return false;
        }
    }
}
