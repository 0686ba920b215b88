namespace ActorWss.Bench.Model;

/// <summary>
/// One fan-out measurement: one publisher, <see cref="Subscribers"/> subscribers in one room; every published
/// message is delivered to every subscriber. The publisher keeps <see cref="Window"/> messages outstanding (a
/// message is outstanding until every subscriber has it).
/// </summary>
/// <param name="Delivered">Messages received by subscribers during the measured seconds (each subscriber counts).</param>
/// <param name="Latency">Send to delivery, per delivered message.</param>
public sealed record FanoutResult(
    string Mode,
    int Subscribers,
    int MessageSize,
    int Window,
    int Repeat,
    double Seconds,
    long Published,
    long Delivered,
    long Errors,
    string? FirstError,
    LatencySummary Latency,
    double ClientCpuSeconds,
    ServerCosts? Server)
{
    public double DeliveredPerSecond => Seconds > 0 ? Delivered / Seconds : 0;
}
