using Akka.Configuration;

namespace ActorWss.Hosting;

/// <summary>
/// What an application adds to ActorWss in code, next to its HOCON (<c>actorwss { ... }</c>): passed to
/// <c>AddActorWss</c> and <see cref="ActorWssApplication.RunAsync"/>.
/// </summary>
public sealed class ActorWssBuilder
{
    private Config _defaults = Config.Empty;

    internal ActorWssBuilder()
    {
    }

    /// <summary>
    /// HOCON that configuration may override: a library or sample ships its own routes and settings this way, and
    /// the application's configuration (file, <c>--set</c>) still wins. Later calls override earlier ones.
    /// </summary>
    public ActorWssBuilder AddDefaultConfig(string hocon)
    {
        ArgumentNullException.ThrowIfNull(hocon);
        _defaults = ConfigurationFactory.ParseString(hocon).WithFallback(_defaults);
        return this;
    }

    /// <summary>The defaults added by <see cref="AddDefaultConfig"/>, above ActorWss's own reference configuration.</summary>
    internal Config Defaults => _defaults;
}
