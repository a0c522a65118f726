namespace Registry.Schemas.Validation.Formats;

/// <summary>RFC 3339 <c>date-time</c>, <c>date</c>, <c>time</c> (leap seconds included) and its appendix A <c>duration</c>.</summary>
internal static class DateTimeFormats
{
    public static bool IsDate(ReadOnlySpan<byte> s) => s.Length == 10 && TryDate(s);

    public static bool IsTime(ReadOnlySpan<byte> s) => TryTime(s);

    public static bool IsDateTime(ReadOnlySpan<byte> s)
        => s.Length > 11 && (s[10] is (byte)'T' or (byte)'t') && TryDate(s[..10]) && TryTime(s[11..]);

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (s[i] is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (s[i] - '0');
        }

        return true;
    }

    private static bool TryDate(ReadOnlySpan<byte> s)
    {
        if (s.Length != 10 || s[4] != '-' || s[7] != '-'
            || !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day))
        {
            return false;
        }

        if (month is < 1 or > 12 || day < 1)
        {
            return false;
        }

        var leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        var days = month == 2 ? (leap ? 29 : 28) : month is 4 or 6 or 9 or 11 ? 30 : 31;
        return day <= days;
    }

    private static bool TryTime(ReadOnlySpan<byte> s)
    {
        if (s.Length < 9 || s[2] != ':' || s[5] != ':'
            || !Digits(s, 0, 2, out var hour) || !Digits(s, 3, 2, out var minute) || !Digits(s, 6, 2, out var second))
        {
            return false;
        }

        var i = 8;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var start = i;
            while (i < s.Length && s[i] is >= (byte)'0' and <= (byte)'9')
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        if (i >= s.Length)
        {
            return false; // the offset is required
        }

        int offsetMinutes;
        if (s[i] is (byte)'Z' or (byte)'z')
        {
            if (i + 1 != s.Length)
            {
                return false;
            }

            offsetMinutes = 0;
        }
        else if (s[i] is (byte)'+' or (byte)'-')
        {
            if (s.Length - i != 6 || s[i + 3] != ':' || !Digits(s, i + 1, 2, out var oh) || !Digits(s, i + 4, 2, out var om)
                || oh > 23 || om > 59)
            {
                return false;
            }

            offsetMinutes = ((oh * 60) + om) * (s[i] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        if (hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        if (second == 60)
        {
            // A leap second happens at 23:59:60 UTC only.
            var utc = ((hour * 60) + minute - offsetMinutes + 1440) % 1440;
            return utc == (23 * 60) + 59;
        }

        return true;
    }

    public static bool IsDuration(ReadOnlySpan<byte> s)
    {
        // RFC 3339 appendix A: "P" (dur-date | dur-time | dur-week), each unit at most once and in order.
        if (s.Length < 3 || s[0] != 'P')
        {
            return false;
        }

        var i = 1;
        if (TryComponent(s, ref i, out var unit) && unit == 'W')
        {
            return i == s.Length;
        }

        i = 1;
        var dateUnits = "YMD";
        var last = -1;
        var any = false;
        while (i < s.Length && s[i] != 'T')
        {
            if (!TryComponent(s, ref i, out unit))
            {
                return false;
            }

            var index = dateUnits.IndexOf((char)unit, StringComparison.Ordinal);
            if (index <= last || (last >= 0 && index != last + 1))
            {
                return false; // out of order, or a gap (P1Y2D)
            }

            last = index;
            any = true;
        }

        if (i == s.Length)
        {
            return any;
        }

        i++; // T
        var timeUnits = "HMS";
        last = -1;
        var anyTime = false;
        while (i < s.Length)
        {
            if (!TryComponent(s, ref i, out unit))
            {
                return false;
            }

            var index = timeUnits.IndexOf((char)unit, StringComparison.Ordinal);
            if (index <= last || (last >= 0 && index != last + 1))
            {
                return false;
            }

            last = index;
            anyTime = true;
        }

        return anyTime;
    }

    private static bool TryComponent(ReadOnlySpan<byte> s, ref int i, out byte unit)
    {
        unit = 0;
        var start = i;
        while (i < s.Length && s[i] is >= (byte)'0' and <= (byte)'9')
        {
            i++;
        }

        if (i == start || i >= s.Length)
        {
            return false;
        }

        unit = s[i++];
        return unit is (byte)'Y' or (byte)'M' or (byte)'D' or (byte)'W' or (byte)'H' or (byte)'S';
    }
}
