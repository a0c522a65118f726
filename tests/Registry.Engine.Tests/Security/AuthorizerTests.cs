using Registry.Engine.Security;

namespace Registry.Engine.Tests.Security;

/// <summary>The one authorisation rule, role by role and operation by operation.</summary>
public sealed class AuthorizerTests
{
    private static readonly Principal Reader = new("reader", Role.Reader, ["*"]);
    private static readonly Principal Service = new("service", Role.Service, ["orders.*"]);
    private static readonly Principal Developer = new("developer", Role.Developer, ["orders.*", "billing.invoice"]);
    private static readonly Principal Admin = new("admin", Role.Admin, []);

    public static TheoryData<string, SecuredOperation, string?, bool> Cases => new()
    {
        { "reader", SecuredOperation.Read, "anything", true },
        { "reader", SecuredOperation.Validate, null, true },
        { "reader", SecuredOperation.Register, "orders.created", false },
        { "reader", SecuredOperation.SubjectConfig, "orders.created", false },
        { "service", SecuredOperation.Read, "payments.x", true },
        { "service", SecuredOperation.Register, "orders.created", true },
        { "service", SecuredOperation.Register, "payments.created", false },
        { "service", SecuredOperation.Lifecycle, "orders.created", false },
        { "service", SecuredOperation.Delete, "orders.created", false },
        { "developer", SecuredOperation.Register, "orders.created", true },
        { "developer", SecuredOperation.Register, "billing.invoice", true },
        { "developer", SecuredOperation.Register, "billing.invoice2", false },
        { "developer", SecuredOperation.Register, "ordersX", false },
        { "developer", SecuredOperation.Lifecycle, "orders.created", true },
        { "developer", SecuredOperation.Delete, "orders.created", true },
        { "developer", SecuredOperation.SubjectConfig, "orders.created", true },
        { "developer", SecuredOperation.SubjectConfig, "payments.created", false },
        { "developer", SecuredOperation.HardDelete, "orders.created", false },
        { "developer", SecuredOperation.GlobalConfig, null, false },
        { "developer", SecuredOperation.ManageKeys, null, false },
        { "developer", SecuredOperation.ReadAudit, null, false },
        { "developer", SecuredOperation.Register, null, false },
        { "admin", SecuredOperation.HardDelete, "anything", true },
        { "admin", SecuredOperation.GlobalConfig, null, true },
        { "admin", SecuredOperation.ManageKeys, null, true },
        { "admin", SecuredOperation.ReadAudit, null, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_role_may_do_what_the_table_says_and_nothing_more(string who, SecuredOperation operation, string? subject, bool allowed)
    {
        var principal = who switch { "reader" => Reader, "service" => Service, "developer" => Developer, _ => Admin };

        var decision = Authorizer.Decide(principal, operation, subject);

        Assert.Equal(allowed ? AccessDecision.Allowed : AccessDecision.Forbidden, decision);
    }

    [Theory]
    [InlineData(SecuredOperation.Read)]
    [InlineData(SecuredOperation.Register)]
    [InlineData(SecuredOperation.ManageKeys)]
    public void Nobody_authenticated_is_unauthenticated_for_every_operation(SecuredOperation operation)
    {
        Assert.Equal(AccessDecision.Unauthenticated, Authorizer.Decide(null, operation, "orders.created"));
        var refusal = Assert.Throws<RegistryException>(() => Authorizer.Demand(null, operation, "orders.created"));
        Assert.Equal(RegistryErrorCode.Unauthenticated, refusal.Code);
    }

    [Fact]
    public void A_refusal_names_the_principal_the_operation_and_the_subject()
    {
        var refusal = Assert.Throws<RegistryException>(() => Authorizer.Demand(Service, SecuredOperation.Register, "payments.created"));

        Assert.Equal(RegistryErrorCode.Forbidden, refusal.Code);
        Assert.Contains("'service' (service) may not register on subject 'payments.created'", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("orders.*", "orders.created", true)]
    [InlineData("orders.*", "orders.", true)]
    [InlineData("orders.*", "orders", false)]
    [InlineData("orders.created", "orders.created", true)]
    [InlineData("orders.created", "orders.created.v2", false)]
    [InlineData("Orders.*", "orders.created", false)]
    public void A_grant_covers_its_exact_subject_or_its_prefix_when_it_ends_in_a_star(string grant, string subject, bool covers) =>
        Assert.Equal(covers, SubjectGrant.Covers(grant, subject));

    [Theory]
    [InlineData("")]
    [InlineData("or*ders")]
    [InlineData("orders\n*")]
    public void A_malformed_grant_is_named_as_a_problem(string grant) => Assert.NotNull(SubjectGrant.Problem(grant));
}
