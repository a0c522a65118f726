using System.Globalization;
using System.Text;

namespace Registry.Schemas.Validation.Formats;

/// <summary>
/// Host names: RFC 1123 labels, and for IDNs the IDNA2008 rules (RFC 5891–5893): A-labels must be canonical Punycode,
/// U-labels may hold only permitted code points, with the contextual rules of RFC 5892 appendix A and the Bidi rule.
/// The permitted-code-point test is derived from Unicode general categories, which is close to but not exactly the
/// IDNA2008 derived property table.
/// </summary>
internal static partial class HostnameFormat
{
    /// <summary>Draft 4 and 6: plain RFC 1123 names (LDH labels), without the IDNA rules later drafts expect.</summary>
    public static bool IsRfc1123Hostname(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty || s.Length > 253)
        {
            return false;
        }

        foreach (var range in s.Split((byte)'.'))
        {
            if (!IsLdhLabel(s[range]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLdhLabel(ReadOnlySpan<byte> label)
    {
        if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
        {
            return false;
        }

        foreach (var c in label)
        {
            if (!char.IsAsciiLetterOrDigit((char)c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsHostname(ReadOnlySpan<byte> utf8, bool international)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(utf8);
        }
        catch (ArgumentException)
        {
            return false;
        }

        if (text.Length == 0)
        {
            return false;
        }

        if (international)
        {
            text = text.Replace('\u3002', '.').Replace('\uFF0E', '.').Replace('\uFF61', '.');
        }

        var labels = text.Split('.');
        var unicodeLabels = new List<string>(labels.Length);
        var asciiLength = labels.Length - 1;
        foreach (var label in labels)
        {
            if (label.Length == 0)
            {
                return false;
            }

            string unicode;
            if (label.Length >= 4 && label.StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
            {
                if (!IsAscii(label) || !Punycode.TryDecode(label[4..], out unicode) || !IsAscii(label) || IsAscii(unicode)
                    || !string.Equals(Punycode.Encode(unicode), label[4..], StringComparison.OrdinalIgnoreCase)
                    || label.Length > 63)
                {
                    return false;
                }

                asciiLength += label.Length;
            }
            else if (IsAscii(label))
            {
                if (!IsLdhLabel(Encoding.ASCII.GetBytes(label)) || (label.Length >= 4 && label[2] == '-' && label[3] == '-'))
                {
                    return false;
                }

                asciiLength += label.Length;
                unicodeLabels.Add(label);
                continue;
            }
            else
            {
                if (!international)
                {
                    return false;
                }

                unicode = label;
                var encoded = Punycode.Encode(unicode);
                if (encoded.Length + 4 > 63)
                {
                    return false;
                }

                asciiLength += encoded.Length + 4;
            }

            if (!IsULabel(unicode))
            {
                return false;
            }

            unicodeLabels.Add(unicode);
        }

        return asciiLength <= 253 && BidiRule(unicodeLabels);
    }

    private static bool IsAscii(string s)
    {
        foreach (var c in s)
        {
            if (c > 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsULabel(string label)
    {
        var codePoints = new List<int>();
        for (var i = 0; i < label.Length; i++)
        {
            if (char.IsSurrogatePair(label, i))
            {
                codePoints.Add(char.ConvertToUtf32(label, i));
                i++;
            }
            else if (char.IsSurrogate(label[i]))
            {
                return false;
            }
            else
            {
                codePoints.Add(label[i]);
            }
        }

        if (codePoints[0] == '-' || codePoints[^1] == '-' || (codePoints.Count >= 4 && codePoints[2] == '-' && codePoints[3] == '-'))
        {
            return false;
        }

        if (IsMark(codePoints[0]))
        {
            return false;
        }

        var hasArabicIndic = false;
        var hasExtendedArabicIndic = false;
        for (var i = 0; i < codePoints.Count; i++)
        {
            var c = codePoints[i];
            switch (c)
            {
                case 0x00B7: // MIDDLE DOT: between two 'l'
                    if (i == 0 || i == codePoints.Count - 1 || codePoints[i - 1] != 'l' || codePoints[i + 1] != 'l')
                    {
                        return false;
                    }

                    continue;
                case 0x0375: // GREEK LOWER NUMERAL SIGN: followed by Greek
                    if (i == codePoints.Count - 1 || !IsGreek(codePoints[i + 1]))
                    {
                        return false;
                    }

                    continue;
                case 0x05F3 or 0x05F4: // HEBREW GERESH / GERSHAYIM: preceded by Hebrew
                    if (i == 0 || !IsHebrew(codePoints[i - 1]))
                    {
                        return false;
                    }

                    continue;
                case 0x30FB: // KATAKANA MIDDLE DOT: with some Hiragana, Katakana or Han in the label
                    if (!codePoints.Exists(p => p != 0x30FB && (IsHiragana(p) || IsKatakana(p) || IsHan(p))))
                    {
                        return false;
                    }

                    continue;
                case 0x200D: // ZERO WIDTH JOINER: after a virama
                    if (i == 0 || !IsVirama(codePoints[i - 1]))
                    {
                        return false;
                    }

                    continue;
                case 0x200C: // ZERO WIDTH NON-JOINER: after a virama, or between joining letters
                    if (!(i > 0 && IsVirama(codePoints[i - 1])) && !ZwnjJoins(codePoints, i))
                    {
                        return false;
                    }

                    continue;
                case >= 0x0660 and <= 0x0669:
                    hasArabicIndic = true;
                    continue;
                case >= 0x06F0 and <= 0x06F9:
                    hasExtendedArabicIndic = true;
                    continue;
                case 0x00DF or 0x03C2 or 0x06FD or 0x06FE or 0x0F0B or 0x3007:
                    continue; // PVALID exceptions
                case 0x0640 or 0x07FA or 0x302E or 0x302F or 0x3031 or 0x3032 or 0x3033 or 0x3034 or 0x3035 or 0x303B:
                    return false; // DISALLOWED exceptions
            }

            if (!IsPermitted(c))
            {
                return false;
            }
        }

        return !(hasArabicIndic && hasExtendedArabicIndic);
    }
}
