using Registry.Server.Hosting;

namespace Registry.Server.Tests.Security;

/// <summary>Safe defaults: an unauthenticated registry stays on loopback unless configuration says otherwise.</summary>
public sealed class ExposureTests
{
    [Theory]
    [InlineData("0.0.0.0:0", "127.0.0.1:0")]
    [InlineData("127.0.0.1:0", "*:0")]
    [InlineData("[::]:0", "127.0.0.1:0")]
    public async Task Without_authentication_a_listener_beyond_loopback_stops_the_start(string http, string binary)
    {
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Registry:Listen:Http"] = http,
            ["Registry:Listen:Binary"] = binary,
        }));

        Assert.Contains("Registry:Security:Enabled", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_authentication_or_the_explicit_setting_any_address_is_accepted()
    {
        var any = new System.Net.IPEndPoint(System.Net.IPAddress.Any, 0);

        SecurityHosting.CheckExposure(new SecurityOptions { Enabled = true }, any);
        SecurityHosting.CheckExposure(new SecurityOptions { AllowUnauthenticatedNetwork = true }, any);
        SecurityHosting.CheckExposure(new SecurityOptions(), new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Loopback, 0));
    }
}
