namespace Herald.Testing;

/// <summary>Redis's glob matching for <c>PSUBSCRIBE</c>: <c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[^a]</c>, <c>[a-z]</c> and <c>\</c> escapes; case-sensitive.</summary>
internal static class GlobPattern
{
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, starP = -1, starT = -1;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                while (p < pattern.Length && pattern[p] == '*')
                {
                    p++;
                }

                if (p == pattern.Length)
                {
                    return true;
                }

                starP = p;
                starT = t;
                continue;
            }

            if (p < pattern.Length && MatchOne(pattern, p, text[t], out var next))
            {
                p = next;
                t++;
                continue;
            }

            if (starP < 0)
            {
                return false;
            }

            // Let the last star swallow one more character and try again from there.
            p = starP;
            t = ++starT;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool MatchOne(ReadOnlySpan<char> pattern, int p, char c, out int next)
    {
        switch (pattern[p])
        {
            case '?':
                next = p + 1;
                return true;
            case '\\' when p + 1 < pattern.Length:
                next = p + 2;
                return pattern[p + 1] == c;
            case '[':
                return MatchClass(pattern, p + 1, c, out next);
            default:
                next = p + 1;
                return pattern[p] == c;
        }
    }

    // As Redis does: a class without its closing ']' runs to the end of the pattern.
    private static bool MatchClass(ReadOnlySpan<char> pattern, int i, char c, out int next)
    {
        var negate = i < pattern.Length && pattern[i] == '^';
        if (negate)
        {
            i++;
        }

        var matched = false;
        while (i < pattern.Length && pattern[i] != ']')
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                matched |= pattern[i + 1] == c;
                i += 2;
            }
            else if (i + 2 < pattern.Length && pattern[i + 1] == '-')
            {
                var (low, high) = pattern[i] <= pattern[i + 2] ? (pattern[i], pattern[i + 2]) : (pattern[i + 2], pattern[i]);
                matched |= c >= low && c <= high;
                i += 3;
            }
            else
            {
                matched |= pattern[i] == c;
                i++;
            }
        }

        next = Math.Min(i + 1, pattern.Length);
        return matched != negate;
    }
}
