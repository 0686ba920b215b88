using ActorWss.Configuration;

namespace ActorWss.Tests.Tls;

/// <summary>How listeners get their TLS settings: off, on (the global ones), or per-listener overrides.</summary>
public sealed class TlsSettingsTests
{
    private static ServerSettings Parse(params string[] settings) => SettingsParser.Parse(ConfigLoader.ParseOverrides(settings));

    [Fact]
    public void The_reference_configuration_serves_ws_only()
    {
        var settings = Parse();

        var listener = Assert.Single(settings.Listeners);
        Assert.Equal(("ws", 9090, "ws"), (listener.Name, listener.Port, listener.Scheme));
        Assert.Null(listener.Tls);
    }

    [Fact]
    public void An_enabled_wss_listener_takes_the_global_tls_settings()
    {
        var settings = Parse("actorwss.listeners.wss.enabled=on", "actorwss.tls.mode=offload");

        var wss = settings.Listeners.Single(l => l.Name == "wss");
        Assert.Equal(("wss", 9443), (wss.Scheme, wss.Port));
        Assert.Equal(TlsMode.Offload, wss.Tls!.Mode);
        Assert.Equal("actorwss.tls.offload-dispatcher", wss.Tls.OffloadDispatcher);
        Assert.Equal(TimeSpan.FromSeconds(10), wss.Tls.HandshakeTimeout);
        Assert.Equal(ClientCertificateMode.None, wss.Tls.ClientCertificates);
    }

    [Fact]
    public void A_listener_can_override_single_tls_keys()
    {
        var settings = Parse(
            "actorwss.listeners.wss.enabled=on",
            "actorwss.listeners.wss2.host=127.0.0.1", "actorwss.listeners.wss2.port=9444",
            "actorwss.listeners.wss2.tls={ mode = adaptive, offload.min-bytes = 4KiB }");

        var wss = settings.Listeners.Single(l => l.Name == "wss");
        var wss2 = settings.Listeners.Single(l => l.Name == "wss2");
        Assert.Equal(TlsMode.Inline, wss.Tls!.Mode);
        Assert.Equal(TlsMode.Adaptive, wss2.Tls!.Mode);
        Assert.Equal(4096, wss2.Tls.OffloadMinBytes);
        Assert.Equal(wss.Tls.Certificate, wss2.Tls.Certificate); // everything not overridden comes from actorwss.tls
    }

    [Theory]
    [InlineData("actorwss.tls.mode=sideways", "actorwss.tls.mode: 'sideways' is not valid; expected one of inline, offload, adaptive")]
    [InlineData("actorwss.tls.client-certificates=maybe", "actorwss.tls.client-certificates: 'maybe' is not valid")]
    [InlineData("actorwss.tls.offload.dispatcher=no.such.dispatcher", "actorwss.tls.offload.dispatcher: 'no.such.dispatcher' is not defined")]
    [InlineData("actorwss.tls.handshake-timeout=soon", "actorwss.tls.handshake-timeout: 'soon' is not valid")]
    public void Invalid_tls_settings_fail_naming_the_key(string setting, string expectedStart)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Parse("actorwss.listeners.wss.enabled=on", setting));

        Assert.StartsWith(expectedStart, error.Message);
    }

    [Fact]
    public void A_pfx_certificate_needs_no_key_path()
    {
        var settings = Parse("actorwss.listeners.wss.enabled=on", "actorwss.tls.certificate.path=certs/server.pfx",
            "actorwss.tls.certificate.key-path=", "actorwss.tls.certificate.password=pw");

        var certificate = settings.Listeners.Single(l => l.Name == "wss").Tls!.Certificate;
        Assert.True(certificate.IsPfx);
        Assert.Null(certificate.KeyPath);
        Assert.Equal("pw", certificate.Password);
    }
}
