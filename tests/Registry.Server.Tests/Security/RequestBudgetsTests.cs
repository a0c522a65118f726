using Registry.Server.Hosting;
using Registry.Server.Security;

namespace Registry.Server.Tests.Security;

/// <summary>The budgets themselves, without a server.</summary>
public sealed class RequestBudgetsTests
{
    [Fact]
    public void An_address_is_refused_once_it_has_failed_as_often_as_allowed_per_minute()
    {
        using var budgets = new RequestBudgets(new ServerOptions { Security = new SecurityOptions { RateLimit = new RateLimitOptions { FailedAuthenticationsPerMinute = 3 } } });

        var before = budgets.CheckFailures("10.0.0.1");
        budgets.CountFailure("10.0.0.1");
        budgets.CountFailure("10.0.0.1");
        budgets.CountFailure("10.0.0.1");

        Assert.Null(before);
        Assert.NotNull(budgets.CheckFailures("10.0.0.1"));
        Assert.Null(budgets.CheckFailures("10.0.0.2"));
    }
}
