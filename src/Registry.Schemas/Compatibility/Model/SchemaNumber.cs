using System.Globalization;
using System.Text.Json;

namespace Registry.Schemas.Compatibility.Model;

/// <summary>
/// A JSON number from a schema or an instance: exact (<see cref="decimal"/>) when it fits, otherwise a double.
/// Exactness matters for <c>multipleOf</c> (0.1 divides 0.3 exactly in decimal, not in binary floating point).
/// </summary>
internal readonly struct SchemaNumber : IComparable<SchemaNumber>, IEquatable<SchemaNumber>
{
    private readonly decimal _exact;
    private readonly double _approximate;

    private SchemaNumber(decimal exact)
    {
        _exact = exact;
        _approximate = (double)exact;
        IsExact = true;
    }

    private SchemaNumber(double approximate)
    {
        _approximate = approximate;
        IsExact = false;
    }

    /// <summary>True when the value is held exactly as a decimal.</summary>
    public bool IsExact { get; }

    public double Value => _approximate;

    public bool IsInteger => IsExact ? decimal.Truncate(_exact) == _exact : Math.Floor(_approximate) == _approximate;

    public static SchemaNumber From(JsonElement number)
    {
        if (number.TryGetDecimal(out var exact))
        {
            return new SchemaNumber(exact);
        }

        return new SchemaNumber(number.GetDouble());
    }

    public static SchemaNumber FromInteger(long value) => new((decimal)value);

    /// <summary>
    /// A number of a loaded document: an integer literal that fits a decimal is read
    /// from its bytes; any other literal as <see cref="From(JsonElement)"/> reads it.
    /// </summary>
    public static SchemaNumber From(JsonRef number)
    {
        var literal = number.Document.Bytes(number.Token);
        if (literal.IndexOfAny(".eE"u8) < 0
            && System.Buffers.Text.Utf8Parser.TryParse(literal, out decimal exact, out var used)
            && used == literal.Length)
        {
            return new SchemaNumber(exact);
        }

        return From(number.ToElement());
    }

    /// <summary>The largest integer not greater than this number.</summary>
    public SchemaNumber Floor() => IsExact ? new SchemaNumber(decimal.Floor(_exact)) : new SchemaNumber(Math.Floor(_approximate));

    /// <summary>The smallest integer not less than this number.</summary>
    public SchemaNumber Ceiling() => IsExact ? new SchemaNumber(decimal.Ceiling(_exact)) : new SchemaNumber(Math.Ceiling(_approximate));

    public SchemaNumber AddOne() => IsExact && _exact < decimal.MaxValue ? new SchemaNumber(_exact + 1) : new SchemaNumber(_approximate + 1);

    public SchemaNumber SubtractOne() => IsExact && _exact > decimal.MinValue ? new SchemaNumber(_exact - 1) : new SchemaNumber(_approximate - 1);

    /// <summary>
    /// True when this number is an integer multiple of <paramref name="divisor"/>, decided exactly. Returns false
    /// when it cannot be decided exactly, which is the safe answer for every caller (it only ever proves inclusion).
    /// </summary>
    public bool IsMultipleOf(SchemaNumber divisor)
    {
        if (Equals(divisor))
        {
            return true;
        }

        if (!IsExact || !divisor.IsExact || divisor._exact == 0)
        {
            return false;
        }

        try
        {
            return _exact % divisor._exact == 0;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    public int CompareTo(SchemaNumber other)
        => IsExact && other.IsExact ? _exact.CompareTo(other._exact) : _approximate.CompareTo(other._approximate);

    public bool Equals(SchemaNumber other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is SchemaNumber other && Equals(other);

    public override int GetHashCode() => _approximate.GetHashCode();

    public override string ToString()
        => IsExact ? _exact.ToString(CultureInfo.InvariantCulture) : _approximate.ToString("R", CultureInfo.InvariantCulture);

    public static bool operator <(SchemaNumber left, SchemaNumber right) => left.CompareTo(right) < 0;

    public static bool operator >(SchemaNumber left, SchemaNumber right) => left.CompareTo(right) > 0;

    public static bool operator <=(SchemaNumber left, SchemaNumber right) => left.CompareTo(right) <= 0;

    public static bool operator >=(SchemaNumber left, SchemaNumber right) => left.CompareTo(right) >= 0;

    public static bool operator ==(SchemaNumber left, SchemaNumber right) => left.Equals(right);

    public static bool operator !=(SchemaNumber left, SchemaNumber right) => !left.Equals(right);
}
