// The tests drive real sockets, processes, signals and Debian packages: they run on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
