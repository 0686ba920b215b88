namespace ActorWss.Configuration;

/// <summary>Reads <c>actorwss.cluster</c>.</summary>
internal static class ClusterSettingsParser
{
    public static ClusterSettings Parse(ConfigReader root)
    {
        var cluster = root.Section("cluster");
        var seeds = ListOrCommaSeparated(cluster, "seed-nodes");
        foreach (var seed in seeds)
            if (!Uri.TryCreate(seed, UriKind.Absolute, out var uri) || uri.Scheme != "akka.tcp" || uri.Port <= 0)
                throw new InvalidConfigurationException(
                    $"{cluster.Path}.seed-nodes: '{seed}' is not valid; expected akka.tcp://SYSTEM@HOST:PORT, e.g. akka.tcp://actorwss@node1:4053");
        return new ClusterSettings(
            Enabled: cluster.GetBoolean("enabled"),
            Host: cluster.GetString("host"),
            PublicHost: cluster.GetOptionalString("public-host"),
            Port: cluster.GetInt("port", 0, 65535),
            SeedNodes: seeds,
            Roles: ListOrCommaSeparated(cluster, "roles"));
    }

    /// <summary>A list, or one comma-separated string (what an environment variable can hold).</summary>
    private static IReadOnlyList<string> ListOrCommaSeparated(ConfigReader section, string key) => section.IsList(key)
        ? section.GetStringList(key)
        : (section.GetOptionalString(key) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
