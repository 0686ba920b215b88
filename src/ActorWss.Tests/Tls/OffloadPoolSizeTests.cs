using ActorWss.Configuration;
using ActorWss.Tls;
using Xunit;
using Xunit.Abstractions;

namespace ActorWss.Tests.Tls;

/// <summary>
/// A size the offload pool cannot have is a configuration error when the listener starts, naming the section to fix,
/// not a failure at the first offloaded step.
/// </summary>
public sealed class OffloadPoolSizeTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(Config, null, output)
{
    private static readonly Akka.Configuration.Config Config = Akka.Configuration.ConfigurationFactory.ParseString("""
        bad-offload-pool {
          type = Dispatcher
          executor = "ActorWss.Tls.OffloadPoolConfigurator, ActorWss"
          dedicated-thread-pool { thread-count = 0, parallelism-factor = 0 }
        }
        """).WithFallback(SettingsParser.Reference);

    private readonly string _folder = Directory.CreateTempSubdirectory("actorwss-offload-size-").FullName;

    private TlsServerContext Start(string dispatcher) =>
        TlsServerContext.Create(new TlsSettings(TlsMode.Offload, dispatcher, 16384, 65536,
            new CertificateSettings(Path.Combine(_folder, "cert.pem"), Path.Combine(_folder, "key.pem"), null),
            DevCertificate: true, TimeSpan.FromSeconds(10), ClientCertificateMode.None, null), Sys, "test");

    [Fact]
    public void A_factor_that_is_not_positive_is_refused_at_start_naming_the_dispatcher()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Start("bad-offload-pool"));
        Assert.StartsWith("bad-offload-pool.dedicated-thread-pool:", error.Message);
        Assert.Contains("parallelism-factor", error.Message);
    }

    [Fact]
    public void The_default_pool_starts()
    {
        using var context = Start("actorwss.tls.offload-dispatcher");
        Assert.NotNull(context.OffloadDispatcher);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        Directory.Delete(_folder, recursive: true);
    }
}
