using System.Text;
using Registry.Engine.Schemas;

namespace Registry.Engine.Tests.Registry;

public sealed class CanonicalJsonTests
{
    private static string Canonical(string json, int maxDepth = 64) =>
        Encoding.UTF8.GetString(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json), maxDepth));

    [Theory]
    [InlineData("{ \"b\" : 1,\n \"a\" : [ true , null ] }", "{\"a\":[true,null],\"b\":1}")]
    [InlineData("{\"z\":{\"y\":1,\"x\":2},\"a\":\"\"}", "{\"a\":\"\",\"z\":{\"x\":2,\"y\":1}}")]
    [InlineData("  true  ", "true")]
    [InlineData("[3, 1, 2]", "[3,1,2]")]
    [InlineData("{\"n\":1.50E+3}", "{\"n\":1.50E+3}")]
    public void Layout_and_member_order_do_not_matter(string json, string expected)
    {
        Assert.Equal(expected, Canonical(json));
    }

    [Theory]
    [InlineData("{\"s\":\"\\u0041\\/\"}", "{\"s\":\"A/\"}")]
    [InlineData("{\"s\":\"é \\u00e9\"}", "{\"s\":\"é é\"}")]
    [InlineData("{\"s\":\"tab\\tquote\\\"back\\\\\"}", "{\"s\":\"tab\\tquote\\\"back\\\\\"}")]
    [InlineData("{\"s\":\"\\u0001\"}", "{\"s\":\"\\u0001\"}")]
    [InlineData("{\"\\u0062\":1,\"a\":2}", "{\"a\":2,\"b\":1}")]
    [InlineData("{\"s\":\"\\ud83d\\ude00\"}", "{\"s\":\"😀\"}")]
    public void Strings_are_escaped_minimally(string json, string expected)
    {
        Assert.Equal(expected, Canonical(json));
    }

    [Fact]
    public void Members_sort_by_utf16_code_units()
    {
        Assert.Equal("{\"B\":1,\"a\":2,\"é\":3}", Canonical("{\"é\":3,\"a\":2,\"B\":1}"));
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"x\":{\"a\":1,\"\\u0061\":2}}")]
    public void Repeated_member_names_are_refused(string json)
    {
        var e = Assert.Throws<RegistryException>(() => Canonical(json));
        Assert.Equal(RegistryErrorCode.InvalidSchema, e.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"a\":}")]
    [InlineData("{'a':1}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("// comment\n{}")]
    [InlineData("{} {}")]
    [InlineData("{\"s\":\"\\ud800\"}")]
    public void Malformed_json_is_an_invalid_schema(string json)
    {
        var e = Assert.Throws<RegistryException>(() => Canonical(json));
        Assert.Equal(RegistryErrorCode.InvalidSchema, e.Code);
    }

    [Fact]
    public void Invalid_utf8_is_an_invalid_schema()
    {
        var e = Assert.Throws<RegistryException>(() => CanonicalJson.Canonicalize(new byte[] { (byte)'"', 0xC3, 0x28, (byte)'"' }, 64));
        Assert.Equal(RegistryErrorCode.InvalidSchema, e.Code);
    }

    [Fact]
    public void Nesting_beyond_the_limit_is_an_invalid_schema()
    {
        var json = new string('[', 11) + new string(']', 11);

        Assert.Equal(new string('[', 10) + new string(']', 10), Canonical(new string('[', 10) + new string(']', 10), maxDepth: 10));
        Assert.Equal(RegistryErrorCode.InvalidSchema, Assert.Throws<RegistryException>(() => Canonical(json, maxDepth: 10)).Code);
    }

    [Fact]
    public void A_byte_order_mark_is_not_part_of_the_content()
    {
        var withBom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{}")).ToArray();

        Assert.Equal("{}", Encoding.UTF8.GetString(CanonicalJson.WithoutBom(withBom).Span));
    }

    [Fact]
    public void Canonical_form_is_idempotent()
    {
        var once = Canonical("{\"b\":[{\"d\":1,\"c\":\"\\u00e9\\n\"}],\"a\":false}");

        Assert.Equal(once, Canonical(once));
    }
}
