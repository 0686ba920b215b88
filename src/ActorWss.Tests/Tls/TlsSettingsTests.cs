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

    [Fact]
    public void Sni_certificates_are_read_by_host_name_and_a_pfx_needs_no_key_path()
    {
        var settings = Parse("actorwss.listeners.wss.enabled=on", """
            actorwss.tls.sni={ "Example.COM" { path = a.pem, key-path = a-key.pem }
            "*.example.org" { path = b.pfx, password = pw } }
            """);

        var sni = settings.Listeners.Single(l => l.Name == "wss").Tls!.Sni!;
        Assert.Equal(["*.example.org", "example.com"], sni.Select(s => s.HostName));
        Assert.Equal(new CertificateSettings("b.pfx", null, "pw"), sni[0].Certificate);
        Assert.Equal(new CertificateSettings("a.pem", "a-key.pem", null), sni[1].Certificate);
    }

    [Fact]
    public void A_listener_adds_sni_certificates_to_the_global_ones()
    {
        var settings = Parse(
            "actorwss.tls.sni={ \"a.example.com\" { path = a.pfx } }",
            "actorwss.listeners.wss.enabled=on",
            "actorwss.listeners.wss2.port=9444", "actorwss.listeners.wss2.tls={ sni { \"b.example.com\" { path = b.pfx } } }");

        Assert.Equal(["a.example.com"], settings.Listeners.Single(l => l.Name == "wss").Tls!.Sni!.Select(s => s.HostName));
        Assert.Equal(["a.example.com", "b.example.com"], settings.Listeners.Single(l => l.Name == "wss2").Tls!.Sni!.Select(s => s.HostName));
    }

    [Theory]
    [InlineData("{ \"exa mple.com\" { path = a.pfx } }", "actorwss.tls.sni.\"exa mple.com\": not a host name")]
    [InlineData("{ \"10.0.0.1\" { path = a.pfx } }", "actorwss.tls.sni.\"10.0.0.1\": not a host name")]
    [InlineData("{ \"a.*.example.com\" { path = a.pfx } }", "actorwss.tls.sni.\"a.*.example.com\": not a host name")]
    [InlineData("{ \"example.com\" = \"a.pfx\" }", "actorwss.tls.sni.\"example.com\": expected an object")]
    [InlineData("{ \"example.com\" { key-path = a-key.pem } }", "actorwss.tls.sni.\"example.com\".path: missing")]
    [InlineData("foo", "actorwss.tls.sni:")]
    [InlineData("{ \"example.com\" { path = a.pem, keypath = a-key.pem } }", "actorwss.tls.sni.\"example.com\".keypath: unknown key; did you mean 'key-path'?")]
    public void Invalid_sni_settings_fail_naming_the_key(string sni, string expectedStart)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Parse("actorwss.listeners.wss.enabled=on", "actorwss.tls.sni=" + sni));

        Assert.StartsWith(expectedStart, error.Message);
    }

    [Fact]
    public void Certificates_follow_their_files_by_default_and_reload_off_loads_them_once()
    {
        Assert.Equal(new CertificateReload(TimeSpan.FromSeconds(30)), Parse("actorwss.listeners.wss.enabled=on").Listeners.Single(l => l.Name == "wss").Tls!.Reload);
        Assert.Null(Parse("actorwss.listeners.wss.enabled=on", "actorwss.tls.reload=off").Listeners.Single(l => l.Name == "wss").Tls!.Reload);
    }

    [Fact]
    public void Sessions_release_their_idle_buffers_by_default_and_off_keeps_them()
    {
        Assert.True(Parse("actorwss.listeners.wss.enabled=on").Listeners.Single(l => l.Name == "wss").Tls!.ReleaseIdleBuffers);
        Assert.False(Parse("actorwss.listeners.wss.enabled=on", "actorwss.tls.release-idle-buffers=off").Listeners.Single(l => l.Name == "wss").Tls!.ReleaseIdleBuffers);
    }
}
