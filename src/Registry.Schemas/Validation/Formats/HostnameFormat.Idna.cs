using System.Globalization;
using System.Text;

namespace Registry.Schemas.Validation.Formats;

/// <summary>The IDNA2008 code point rules: permitted code points, the contextual rules of RFC 5892 appendix A, and the Bidi rule of RFC 5893.</summary>
internal static partial class HostnameFormat
{
    private static bool IsPermitted(int c)
    {
        if (c == '-' || (c is >= 'a' and <= 'z') || (c is >= '0' and <= '9'))
        {
            return true;
        }

        if (c < 0x80)
        {
            return false;
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(c);
        switch (category)
        {
            case UnicodeCategory.LowercaseLetter:
            case UnicodeCategory.OtherLetter:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.SpacingCombiningMark:
            case UnicodeCategory.DecimalDigitNumber:
                break;
            default:
                return false;
        }

        // Compatibility characters (fullwidth forms, ligatures, ...) are not stable under NFKC: disallowed.
        return c is not (>= 0xFF00 and <= 0xFFEF) and not (>= 0xFB00 and <= 0xFB4F) and not (>= 0x2100 and <= 0x214F);
    }

    private static bool IsMark(int c) => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark
        or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static bool IsGreek(int c) => c is (>= 0x0370 and <= 0x03FF) or (>= 0x1F00 and <= 0x1FFF);

    private static bool IsHebrew(int c) => c is >= 0x0590 and <= 0x05FF;

    private static bool IsHiragana(int c) => c is >= 0x3040 and <= 0x309F;

    private static bool IsKatakana(int c) => c is (>= 0x30A0 and <= 0x30FF) or (>= 0x31F0 and <= 0x31FF);

    private static bool IsHan(int c) => c is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2FFFF) or 0x3005 or 0x3007;

    private static bool IsVirama(int c) => c is 0x094D or 0x09CD or 0x0A4D or 0x0ACD or 0x0B4D or 0x0BCD or 0x0C4D or 0x0CCD
        or 0x0D3B or 0x0D3C or 0x0D4D or 0x0DCA or 0x0E3A or 0x0EBA or 0x0F84 or 0x1039 or 0x103A or 0x1714 or 0x1734
        or 0x17D2 or 0x1A60 or 0x1B44 or 0x1BAA or 0x1BAB or 0x1BF2 or 0x1BF3 or 0x2D7F or 0xA806 or 0xA8C4 or 0xA953
        or 0xA9C0 or 0xAAF6 or 0xABED or 0x10A3F or 0x11046 or 0x1107F or 0x110B9 or 0x11133 or 0x11134 or 0x111C0
        or 0x11235 or 0x112EA or 0x1134D or 0x11442 or 0x114C2 or 0x115BF or 0x1163F or 0x116B6 or 0x1172B;

    /// <summary>RFC 5892 A.1: (L|D) T* ZWNJ T* (R|D), with joining types approximated for the Arabic script.</summary>
    private static bool ZwnjJoins(List<int> cps, int at)
    {
        var i = at - 1;
        while (i >= 0 && IsTransparent(cps[i]))
        {
            i--;
        }

        if (i < 0 || !IsDualOrLeftJoining(cps[i]))
        {
            return false;
        }

        var j = at + 1;
        while (j < cps.Count && IsTransparent(cps[j]))
        {
            j++;
        }

        return j < cps.Count && IsDualOrRightJoining(cps[j]);
    }

    private static bool IsTransparent(int c) => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format;

    private static bool IsArabicLetter(int c) => (c is (>= 0x0620 and <= 0x064A) or (>= 0x066E and <= 0x06D3) or (>= 0x06FA and <= 0x06FF) or (>= 0x0750 and <= 0x077F) or (>= 0x08A0 and <= 0x08C9))
                                                 && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.OtherLetter;

    private static bool IsDualOrLeftJoining(int c) => IsArabicLetter(c) || c is 0xA872;

    private static bool IsDualOrRightJoining(int c) => IsArabicLetter(c);

    private enum Bidi
    {
        L,
        R,
        AL,
        AN,
        EN,
        NSM,
        Other,
    }

    private static Bidi BidiOf(int c)
    {
        if (c is >= '0' and <= '9' or (>= 0x06F0 and <= 0x06F9))
        {
            return Bidi.EN;
        }

        if (c is (>= 0x0660 and <= 0x0669) or 0x066B or 0x066C)
        {
            return Bidi.AN;
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(c);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark)
        {
            return Bidi.NSM;
        }

        if (c is (>= 0x0590 and <= 0x05FF) or (>= 0x07C0 and <= 0x085F) or (>= 0xFB1D and <= 0xFB4F) or (>= 0x10800 and <= 0x10FFF) or (>= 0x1E800 and <= 0x1EDFF))
        {
            return Bidi.R;
        }

        if (c is (>= 0x0600 and <= 0x07BF) or (>= 0x0860 and <= 0x08FF) or (>= 0xFB50 and <= 0xFDFF) or (>= 0xFE70 and <= 0xFEFF) or (>= 0x1EE00 and <= 0x1EEFF))
        {
            return Bidi.AL;
        }

        return category is UnicodeCategory.LowercaseLetter or UnicodeCategory.UppercaseLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.DecimalDigitNumber ? Bidi.L : Bidi.Other;
    }

    /// <summary>RFC 5893 section 2, applied when the name holds a right-to-left label.</summary>
    private static bool BidiRule(List<string> labels)
    {
        var rtl = labels.Exists(l => EnumerateCodePoints(l).Any(c => BidiOf(c) is Bidi.R or Bidi.AL or Bidi.AN));
        if (!rtl)
        {
            return true;
        }

        foreach (var label in labels)
        {
            var classes = EnumerateCodePoints(label).Select(BidiOf).ToList();
            var first = classes[0];
            var last = classes.FindLast(c => c != Bidi.NSM);
            if (first is Bidi.R or Bidi.AL)
            {
                if (classes.Exists(c => c is Bidi.L) || last is not (Bidi.R or Bidi.AL or Bidi.EN or Bidi.AN)
                    || (classes.Contains(Bidi.EN) && classes.Contains(Bidi.AN)))
                {
                    return false;
                }
            }
            else if (first == Bidi.L)
            {
                if (classes.Exists(c => c is Bidi.R or Bidi.AL or Bidi.AN) || last is not (Bidi.L or Bidi.EN))
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<int> EnumerateCodePoints(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsSurrogatePair(s, i))
            {
                yield return char.ConvertToUtf32(s, i);
                i++;
            }
            else
            {
                yield return s[i];
            }
        }
    }
}

/// <summary>RFC 3492 Punycode.</summary>
internal static class Punycode
{
    private const int Base = 36, TMin = 1, TMax = 26, Skew = 38, Damp = 700, InitialBias = 72, InitialN = 128;

    public static bool TryDecode(string input, out string output)
    {
        output = "";
        var codePoints = new List<int>();
        var basicEnd = input.LastIndexOf('-');
        if (basicEnd > 0)
        {
            foreach (var c in input.AsSpan(0, basicEnd))
            {
                if (c >= 0x80)
                {
                    return false;
                }

                codePoints.Add(c);
            }
        }

        long n = InitialN, i = 0, bias = InitialBias;
        var pos = basicEnd > 0 ? basicEnd + 1 : 0;

        while (pos < input.Length)
        {
            var oldI = i;
            long w = 1;
            for (long k = Base; ; k += Base)
            {
                if (pos >= input.Length)
                {
                    return false;
                }

                var digit = Digit(input[pos++]);
                if (digit < 0 || digit > (int.MaxValue - i) / w)
                {
                    return false;
                }

                i += digit * w;
                var t = k <= bias ? TMin : k >= bias + TMax ? TMax : k - bias;
                if (digit < t)
                {
                    break;
                }

                w *= Base - t;
                if (w > int.MaxValue)
                {
                    return false;
                }
            }

            bias = Adapt(i - oldI, codePoints.Count + 1, oldI == 0);
            n += i / (codePoints.Count + 1);
            i %= codePoints.Count + 1;
            if (n > 0x10FFFF || n is >= 0xD800 and <= 0xDFFF)
            {
                return false;
            }

            codePoints.Insert((int)i, (int)n);
            i++;
        }

        var sb = new StringBuilder();
        foreach (var cp in codePoints)
        {
            sb.Append(char.ConvertFromUtf32(cp));
        }

        output = sb.ToString();
        return true;
    }

    public static string Encode(string input)
    {
        var codePoints = new List<int>();
        for (var x = 0; x < input.Length; x++)
        {
            if (char.IsSurrogatePair(input, x))
            {
                codePoints.Add(char.ConvertToUtf32(input, x));
                x++;
            }
            else
            {
                codePoints.Add(input[x]);
            }
        }

        var output = new StringBuilder();
        foreach (var c in codePoints)
        {
            if (c < 0x80)
            {
                output.Append((char)c);
            }
        }

        var h = output.Length;
        var b = h;
        if (b > 0)
        {
            output.Append('-');
        }

        long n = InitialN, delta = 0, bias = InitialBias;
        while (h < codePoints.Count)
        {
            long m = int.MaxValue;
            foreach (var c in codePoints)
            {
                if (c >= n && c < m)
                {
                    m = c;
                }
            }

            delta += (m - n) * (h + 1);
            n = m;
            foreach (var c in codePoints)
            {
                if (c < n)
                {
                    delta++;
                }

                if (c == n)
                {
                    var q = delta;
                    for (long k = Base; ; k += Base)
                    {
                        var t = k <= bias ? TMin : k >= bias + TMax ? TMax : k - bias;
                        if (q < t)
                        {
                            break;
                        }

                        output.Append(DigitChar((int)(t + ((q - t) % (Base - t)))));
                        q = (q - t) / (Base - t);
                    }

                    output.Append(DigitChar((int)q));
                    bias = Adapt(delta, h + 1, h == b);
                    delta = 0;
                    h++;
                }
            }

            delta++;
            n++;
        }

        return output.ToString();
    }

    private static long Adapt(long delta, int numPoints, bool first)
    {
        delta = first ? delta / Damp : delta / 2;
        delta += delta / numPoints;
        long k = 0;
        while (delta > ((Base - TMin) * TMax) / 2)
        {
            delta /= Base - TMin;
            k += Base;
        }

        return k + (((Base - TMin + 1) * delta) / (delta + Skew));
    }

    private static int Digit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0' + 26,
        >= 'a' and <= 'z' => c - 'a',
        >= 'A' and <= 'Z' => c - 'A',
        _ => -1,
    };

    private static char DigitChar(int d) => (char)(d < 26 ? 'a' + d : '0' + d - 26);
}
