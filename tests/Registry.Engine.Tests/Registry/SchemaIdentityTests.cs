using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Schemas;

namespace Registry.Engine.Tests.Registry;

public sealed class SchemaIdentityTests
{
    private static SchemaIdentity Identity(string json, string type = "JSON", params SchemaReference[] references) =>
        SchemaIdentity.Compute(type, Encoding.UTF8.GetBytes(json), references, 64);

    [Fact]
    public void Same_canonical_content_has_the_same_fingerprint_and_hash()
    {
        var a = Identity("{\"type\":\"string\",\"minLength\":1}");
        var b = Identity("{ \"minLength\" : 1, \"type\" : \"string\" }");

        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Equal(a.ContentHash, b.ContentHash);
        Assert.Equal(32, a.Fingerprint.Length);
    }

    [Fact]
    public void Content_hash_is_the_sha256_of_the_canonical_form()
    {
        var identity = Identity("{ \"b\": 1, \"a\": 2 }");

        Assert.Equal(System.Security.Cryptography.SHA256.HashData("{\"a\":2,\"b\":1}"u8), identity.ContentHash);
    }

    [Fact]
    public void References_and_type_are_part_of_the_identity_but_not_their_order()
    {
        var r1 = new SchemaReference("a.json", "a", 1);
        var r2 = new SchemaReference("b.json", "b", 1);
        var plain = Identity("{}");
        var referenced = Identity("{}", "JSON", r1, r2);
        var reordered = Identity("{}", "JSON", r2, r1);
        var otherVersion = Identity("{}", "JSON", r1, r2 with { Version = 2 });

        Assert.NotEqual(plain.Fingerprint, referenced.Fingerprint);
        Assert.Equal(referenced.Fingerprint, reordered.Fingerprint);
        Assert.NotEqual(referenced.Fingerprint, otherVersion.Fingerprint);
        Assert.Equal(plain.ContentHash, referenced.ContentHash);
        Assert.NotEqual(plain.Fingerprint, Identity("{}", "AVRO").Fingerprint);
        Assert.Equal(["a.json", "b.json"], reordered.References.Select(r => r.Name));
    }

    [Fact]
    public void Two_references_with_one_name_are_refused()
    {
        var e = Assert.Throws<RegistryException>(() => Identity("{}", "JSON", new SchemaReference("a.json", "a", 1), new SchemaReference("a.json", "b", 1)));

        Assert.Equal(RegistryErrorCode.InvalidRequest, e.Code);
    }
}
