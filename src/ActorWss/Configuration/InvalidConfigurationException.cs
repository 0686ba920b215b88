namespace ActorWss.Configuration;

/// <summary>The configuration cannot run: the message names the key, the value found and what is allowed.</summary>
public sealed class InvalidConfigurationException(string message) : Exception(message);
