using System.CommandLine;
using System.Globalization;

namespace Herald.Cli;

/// <summary>Range checks for numeric options; a value out of range is a parse error, so exit code 2.</summary>
internal static class CliOptionValidation
{
    public static Option<T> InRange<T>(this Option<T> option, T minimum, T maximum)
        where T : struct, IComparable<T>
    {
        option.Validators.Add(result =>
        {
            T value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                // Not a number at all: the parser reports that conversion error itself.
                return;
            }

            if (value.CompareTo(minimum) < 0 || value.CompareTo(maximum) > 0)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be between {minimum} and {maximum}; got {value}."));
            }
        });
        return option;
    }
}
