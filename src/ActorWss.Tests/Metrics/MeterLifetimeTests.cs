using System.Diagnostics.Metrics;
using ActorWss.Configuration;
using ActorWss.Metrics;
using ActorWss.Server;
using ActorWss.Tests.Support;
using Akka.Actor;
using Xunit;

namespace ActorWss.Tests.Metrics;

/// <summary>A server's meter ends with its actor system: hosts that start and stop servers in-process leak no instruments.</summary>
public sealed class MeterLifetimeTests
{
    [Fact]
    public async Task The_meter_and_its_instruments_end_when_the_actor_system_terminates()
    {
        var published = new HashSet<Instrument>();
        var completed = new HashSet<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name != ServerMetrics.MeterName) return;
                lock (published) published.Add(instrument);
                l.EnableMeasurementEvents(instrument);
            },
            MeasurementsCompleted = (instrument, _) => { lock (completed) completed.Add(instrument); },
        };
        listener.Start();

        var system = ActorSystem.Create("meter-lifetime", SettingsParser.Reference);
        var server = await ActorWssServer.StartAsync(system,
            SettingsParser.Parse(ConfigLoader.ParseOverrides([.. ServerScenario.ModeSettings(ServerMode.Ws)])));
        Assert.Single(server.Listeners);
        HashSet<Instrument> ours;
        lock (published) ours = published.Where(i => ReferenceEquals(i.Meter, server.Metrics.Meter)).ToHashSet(); // tests run in parallel
        Assert.NotEmpty(ours);
        lock (completed) Assert.Empty(completed.Intersect(ours));

        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));

        lock (completed) Assert.Subset(completed, ours);
    }
}
