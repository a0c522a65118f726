using System.Buffers;
using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Registry.Schemas.Validation.Json;

/// <summary>
/// Exact arithmetic on JSON number literals, without converting to binary floating point: a literal is normalised to
/// sign × D × 10^E where D is a digit string without leading or trailing zeros (empty for zero). Comparisons,
/// integrality and <c>multipleOf</c> are exact for any size of literal, so big integers and decimals behave as
/// mathematics says, not as <see cref="double"/> rounds them.
/// </summary>
internal static class JsonNumber
{
    private const long ExponentLimit = 1L << 50;

    /// <summary>
    /// Normalises <paramref name="literal"/> (a valid JSON number) into <paramref name="digits"/>, which must be at least
    /// as long as the literal. Returns the number of significant digits.
    /// </summary>
    public static int Normalize(ReadOnlySpan<byte> literal, Span<byte> digits, out bool negative, out long exponent)
    {
        var i = 0;
        negative = literal[0] == (byte)'-';
        if (negative)
        {
            i = 1;
        }

        var count = 0;
        long fractionDigits = 0;
        var seenPoint = false;
        for (; i < literal.Length; i++)
        {
            var c = literal[i];
            if (c == (byte)'.')
            {
                seenPoint = true;
                continue;
            }

            if (c is (byte)'e' or (byte)'E')
            {
                break;
            }

            if (seenPoint)
            {
                fractionDigits++;
            }

            if (count == 0 && c == (byte)'0')
            {
                continue; // leading zero
            }

            digits[count++] = c;
        }

        long exp = 0;
        if (i < literal.Length)
        {
            i++;
            var expNegative = false;
            if (literal[i] is (byte)'+' or (byte)'-')
            {
                expNegative = literal[i] == (byte)'-';
                i++;
            }

            for (; i < literal.Length; i++)
            {
                if (exp < ExponentLimit)
                {
                    exp = (exp * 10) + (literal[i] - '0');
                }
            }

            exp = Math.Min(exp, ExponentLimit);
            if (expNegative)
            {
                exp = -exp;
            }
        }

        exp -= fractionDigits;
        while (count > 0 && digits[count - 1] == (byte)'0')
        {
            count--;
            exp++;
        }

        if (count == 0)
        {
            negative = false;
            exp = 0;
        }

        exponent = exp;
        return count;
    }

    /// <summary>Compares two normalised numbers.</summary>
    public static int Compare(bool aNeg, ReadOnlySpan<byte> a, long aExp, bool bNeg, ReadOnlySpan<byte> b, long bExp)
    {
        if (a.IsEmpty || b.IsEmpty)
        {
            if (a.IsEmpty && b.IsEmpty)
            {
                return 0;
            }

            return a.IsEmpty ? (bNeg ? 1 : -1) : (aNeg ? -1 : 1);
        }

        if (aNeg != bNeg)
        {
            return aNeg ? -1 : 1;
        }

        var magnitude = CompareMagnitude(a, aExp, b, bExp);
        return aNeg ? -magnitude : magnitude;
    }

    private static int CompareMagnitude(ReadOnlySpan<byte> a, long aExp, ReadOnlySpan<byte> b, long bExp)
    {
        // Position of the most significant digit decides first.
        var aTop = a.Length + aExp;
        var bTop = b.Length + bExp;
        if (aTop != bTop)
        {
            return aTop < bTop ? -1 : 1;
        }

        var common = Math.Min(a.Length, b.Length);
        var c = a[..common].SequenceCompareTo(b[..common]);
        if (c != 0)
        {
            return c < 0 ? -1 : 1;
        }

        // No trailing zeros: the longer digit string has a further non-zero digit.
        return a.Length.CompareTo(b.Length);
    }

    /// <summary>True when a literal denotes an integer (1.0 and 1e2 do; 1.5 does not).</summary>
    public static bool IsInteger(ReadOnlySpan<byte> literal)
    {
        if (literal.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0)
        {
            return true;
        }

        byte[]? rented = null;
        var buffer = literal.Length <= 128 ? stackalloc byte[128] : (rented = ArrayPool<byte>.Shared.Rent(literal.Length));
        var n = Normalize(literal, buffer, out _, out var exponent);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return n == 0 || exponent >= 0;
    }

    /// <summary>Parses a literal that is a plain integer within <see cref="long"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryGetInt64(ReadOnlySpan<byte> literal, out long value)
        => literal.Length <= 18 & Utf8Parser.TryParse(literal, out value, out var consumed) && consumed == literal.Length;

    /// <summary>
    /// Steps <see cref="IsMultipleOf"/> costs: linear in the instance's digits for divisors of up to 18 digits, and
    /// proportional to the product of both lengths (in 18-digit words) beyond, where it works on big integers.
    /// </summary>
    public static long MultipleOfCost(int xDigits, int dDigits)
        => dDigits <= 18 ? 1 + (xDigits / 16) : ((xDigits / 18) + 2) * ((dDigits / 18) + 2) * 4;

    /// <summary>
    /// True when x is an integer multiple of d (d &gt; 0), exactly. x = X·10^xExp and d = D·10^dExp with X and D
    /// normalised (no trailing zeros). With k = xExp − dExp, x/d = (X/D)·10^k: for k ≥ 0 it is an integer exactly when
    /// D divides X·10^k; for k &lt; 0 never, since D·10^−k would have to divide X, which does not end in a zero.
    /// Linear in the digits of X for divisors that fit 18 digits (19 digits folded per 128-bit remainder step).
    /// </summary>
    public static bool IsMultipleOf(ReadOnlySpan<byte> x, long xExp, ReadOnlySpan<byte> d, long dExp, BigInteger? bigD = null)
    {
        if (x.IsEmpty)
        {
            return true;
        }

        var k = xExp - dExp;
        if (k < 0)
        {
            return false;
        }

        if (d.Length <= 18)
        {
            var divisor = ParseDigits(d);
            UInt128 r = 0;
            var i = 0;
            for (; i + 19 <= x.Length; i += 19)
            {
                // r < divisor < 10^18, so r·10^19 + chunk < 10^37 fits in 128 bits.
                r = ((r * Pow10Of19) + ParseDigits(x.Slice(i, 19))) % divisor;
            }

            for (; i < x.Length; i++)
            {
                r = ((r * 10) + (uint)(x[i] - '0')) % divisor;
            }

            if (r == 0)
            {
                return true;
            }

            var p = PowMod(10, k, divisor);
            return (r * p) % divisor == 0;
        }

        return IsMultipleBig(x, k, bigD ?? ParseBig(d));
    }

    /// <summary>A digit string as a big integer (for divisors beyond 18 digits).</summary>
    public static BigInteger ParseBig(ReadOnlySpan<byte> digits)
        => BigInteger.Parse(System.Text.Encoding.ASCII.GetString(digits), System.Globalization.CultureInfo.InvariantCulture);

    private static readonly UInt128 Pow10Of19 = 10_000_000_000_000_000_000UL;

    private static bool IsMultipleBig(ReadOnlySpan<byte> x, long k, BigInteger bd)
    {
        // Rare: a divisor beyond 18 digits. Remainder of X by D folded 18 digits at a time (never parsing X whole,
        // which costs more than linear time for millions of digits), then times 10^k mod D.
        var r = BigInteger.Zero;
        var chunk = new BigInteger(1_000_000_000_000_000_000L);
        var i = 0;
        for (; i + 18 <= x.Length; i += 18)
        {
            r = ((r * chunk) + ParseDigits(x.Slice(i, 18))) % bd;
        }

        for (; i < x.Length; i++)
        {
            r = ((r * 10) + (x[i] - '0')) % bd;
        }

        return r.IsZero || (r * BigInteger.ModPow(10, k, bd) % bd).IsZero;
    }

    private static ulong ParseDigits(ReadOnlySpan<byte> digits)
    {
        ulong v = 0;
        foreach (var c in digits)
        {
            v = (v * 10) + (uint)(c - '0');
        }

        return v;
    }

    private static UInt128 PowMod(ulong b, long e, ulong m)
    {
        UInt128 result = 1 % (UInt128)m;
        UInt128 bb = b % m;
        while (e > 0)
        {
            if ((e & 1) != 0)
            {
                result = (result * bb) % m;
            }

            bb = (bb * bb) % m;
            e >>= 1;
        }

        return result;
    }

    /// <summary>Compares two literals exactly.</summary>
    public static int CompareLiterals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (TryGetInt64(a, out var la) && TryGetInt64(b, out var lb))
        {
            return la.CompareTo(lb);
        }

        byte[]? ra = null;
        byte[]? rb = null;
        var da = a.Length <= 128 ? stackalloc byte[128] : (ra = ArrayPool<byte>.Shared.Rent(a.Length));
        var db = b.Length <= 128 ? stackalloc byte[128] : (rb = ArrayPool<byte>.Shared.Rent(b.Length));
        var na = Normalize(a, da, out var negA, out var expA);
        var nb = Normalize(b, db, out var negB, out var expB);
        var c = Compare(negA, da[..na], expA, negB, db[..nb], expB);
        if (ra is not null)
        {
            ArrayPool<byte>.Shared.Return(ra);
        }

        if (rb is not null)
        {
            ArrayPool<byte>.Shared.Return(rb);
        }

        return c;
    }
}

/// <summary>A numeric bound from a schema (minimum, multipleOf, ...), normalised once at compile time.</summary>
internal sealed class NumericBound
{
    private StrongBox<BigInteger>? _big;

    public NumericBound(ReadOnlySpan<byte> literal)
    {
        var digits = new byte[Math.Max(literal.Length, 1)];
        var n = JsonNumber.Normalize(literal, digits, out var negative, out var exponent);
        Digits = digits[..n];
        Negative = negative;
        Exponent = exponent;
        IsInt64 = JsonNumber.TryGetInt64(literal, out var l);
        if (!IsInt64 && n > 0 && n + exponent <= 18 && exponent >= 0)
        {
            // An integer written as 1e3 or 10.0 still gets the fast path.
            l = 0;
            foreach (var c in Digits)
            {
                l = (l * 10) + (c - '0');
            }

            for (var e = 0; e < exponent; e++)
            {
                l *= 10;
            }

            l = negative ? -l : l;
            IsInt64 = true;
        }

        Int64 = l;
        Literal = literal.ToArray();
        Double = double.Parse(System.Text.Encoding.ASCII.GetString(literal), System.Globalization.CultureInfo.InvariantCulture);
    }

    public byte[] Literal { get; }

    public byte[] Digits { get; }

    public bool Negative { get; }

    public long Exponent { get; }

    public bool IsInt64 { get; }

    public long Int64 { get; }

    public double Double { get; }

    public bool IsZero => Digits.Length == 0;

    /// <summary>The digits as a big integer, parsed once (for divisors beyond 18 digits); a box, so publishing it is atomic.</summary>
    private BigInteger Big => (_big ??= new StrongBox<BigInteger>(JsonNumber.ParseBig(Digits))).Value;

    public override string ToString() => System.Text.Encoding.ASCII.GetString(Literal);

    /// <summary>Compares an instance literal with this bound: negative when the instance is smaller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int CompareInstance(ReadOnlySpan<byte> literal)
    {
        if (IsInt64 && JsonNumber.TryGetInt64(literal, out var v))
        {
            return v.CompareTo(Int64);
        }

        return CompareSlow(literal);
    }

    private int CompareSlow(ReadOnlySpan<byte> literal)
    {
        byte[]? rented = null;
        var buffer = literal.Length <= 128 ? stackalloc byte[128] : (rented = ArrayPool<byte>.Shared.Rent(literal.Length));
        var n = JsonNumber.Normalize(literal, buffer, out var negative, out var exponent);
        var c = JsonNumber.Compare(negative, buffer[..n], exponent, Negative, Digits, Exponent);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return c;
    }

    /// <summary>True when the instance literal is a multiple of this (positive) bound; long literals charge their cost to the evaluation.</summary>
    public bool DividesInstance(ReadOnlySpan<byte> literal, Evaluation.EvaluationState state, string path)
    {
        if (IsInt64 && JsonNumber.TryGetInt64(literal, out var v))
        {
            return v % Int64 == 0;
        }

        state.Charge(JsonNumber.MultipleOfCost(literal.Length, Digits.Length), path);
        byte[]? rented = null;
        var buffer = literal.Length <= 128 ? stackalloc byte[128] : (rented = ArrayPool<byte>.Shared.Rent(literal.Length));
        var n = JsonNumber.Normalize(literal, buffer, out _, out var exponent);
        var result = JsonNumber.IsMultipleOf(buffer[..n], exponent, Digits, Exponent, Digits.Length > 18 ? Big : null);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return result;
    }
}
