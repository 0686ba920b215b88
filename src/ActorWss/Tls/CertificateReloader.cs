using System.Security.Cryptography;
using System.Text;
using ActorWss.Configuration;
using Akka.Event;

namespace ActorWss.Tls;

/// <summary>
/// Keeps a listener's certificates in step with their files, each certificate (the default one, each SNI one) on
/// its own. A change is new content: the SHA-256 of the certificate and key files, read through any symlinks. New
/// content is loaded and served to new handshakes (open sessions keep theirs); content that does not load (half
/// written, a key of another certificate) leaves the certificate in service and is logged once, until the files change
/// again.
/// <para>
/// Changes are noticed two ways. The directories of the files (and of their symlink targets) are watched: a Kubernetes
/// secret or config map is a directory of symlinks into <c>..data</c>, itself a symlink swapped by a rename, which is
/// an event in that directory; certbot's <c>live/</c> symlinks are replaced the same way. And the files are checked at
/// an interval anyway: network and container mounts do not always report changes, and a file written in place behind
/// a symlink reports them in another directory.
/// </para>
/// </summary>
internal sealed class CertificateReloader : IDisposable
{
    /// <summary>After a change notification, wait this long for more: a certificate and its key are two writes.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(250);

    private sealed class Watched(string? name, CertificateSettings files, byte[] fingerprint)
    {
        /// <summary>The SNI name; null for the default certificate.</summary>
        public string? Name { get; } = name;
        public CertificateSettings Files { get; } = files;
        /// <summary>Of the content last loaded, or last found not to load.</summary>
        public byte[] Fingerprint { get; set; } = fingerprint;
    }

    private readonly List<Watched> _watched;
    private readonly Func<CertificateSettings, ServedCertificate> _load;
    private readonly Action<string?, ServedCertificate> _serve;
    private readonly ILoggingAdapter _log;
    private readonly string _listener;
    private readonly ITlsCertificateObserver? _observer;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Timer _interval;
    private readonly Timer _settle;
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <param name="certificates">What to watch, by SNI name (null: the default certificate), as served now.</param>
    /// <param name="load">Loads a certificate from its files; throws when they do not make one.</param>
    /// <param name="serve">Puts a reloaded certificate in service.</param>
    public CertificateReloader(IEnumerable<(string? Name, CertificateSettings Files)> certificates, TimeSpan checkInterval,
        Func<CertificateSettings, ServedCertificate> load, Action<string?, ServedCertificate> serve, ILoggingAdapter log,
        string listener, ITlsCertificateObserver? observer)
    {
        _watched = certificates.Select(c => new Watched(c.Name, c.Files, Fingerprint(c.Files))).ToList();
        _load = load;
        _serve = serve;
        _log = log;
        _listener = listener;
        _observer = observer;
        _settle = new Timer(_ => Check());
        foreach (var directory in _watched.SelectMany(w => Directories(w.Files)).Distinct(StringComparer.Ordinal)) Watch(directory);
        _interval = new Timer(_ => Check(), null, checkInterval, checkInterval);
    }

    /// <summary>Looks at every certificate's files now, and reloads those whose content changed.</summary>
    public void Check()
    {
        lock (_gate)
        {
            if (_disposed) return;
            foreach (var watched in _watched) CheckOne(watched);
        }
    }

    private void CheckOne(Watched watched)
    {
        var fingerprint = Fingerprint(watched.Files);
        if (fingerprint.AsSpan().SequenceEqual(watched.Fingerprint)) return;
        watched.Fingerprint = fingerprint;
        string which = watched.Name is null ? "" : $" for {watched.Name}";
        try
        {
            var served = _load(watched.Files);
            _serve(watched.Name, served);
            _observer?.OnReload(loaded: true);
            _log.Info("{0}: reloaded the TLS certificate{1}: {2} from {3}, SHA-256 {4}, valid until {5:yyyy-MM-dd}", _listener, which,
                served.Leaf.Subject, served.Source, CertificateLoader.Sha256Fingerprint(served.Leaf), served.Leaf.NotAfter);
        }
        catch (Exception e) // a timer thread must not throw; whatever the files hold, the old certificate stays
        {
            _observer?.OnReload(loaded: false);
            _log.Warning("{0}: the TLS certificate{1} files changed but do not load, the previous certificate stays in service " +
                "(said once until they change again): {2}", _listener, which, e.Message);
        }
    }

    private void Watch(string directory)
    {
        try
        {
            var watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size
                    | NotifyFilters.CreationTime,
            };
            watcher.Changed += OnChange;
            watcher.Created += OnChange;
            watcher.Deleted += OnChange;
            watcher.Renamed += OnChange;
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            _log.Warning("{0}: cannot watch {1} for certificate changes ({2}); its files are still checked at the reload-check-interval",
                _listener, directory, e.Message);
        }
    }

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        lock (_gate)
        {
            if (!_disposed) _settle.Change(Settle, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The directories of the files, and of what their symlinks finally point to.</summary>
    private static IEnumerable<string> Directories(CertificateSettings files)
    {
        foreach (var path in Paths(files))
        {
            var full = Path.GetFullPath(path);
            yield return Path.GetDirectoryName(full)!;
            FileSystemInfo? target = null;
            try { target = File.ResolveLinkTarget(full, returnFinalTarget: true); }
            catch (IOException) { } // a dangling link or no file yet: the interval check still sees it come
            if (target is not null) yield return Path.GetDirectoryName(target.FullName)!;
        }
    }

    private static IEnumerable<string> Paths(CertificateSettings files) =>
        files.KeyPath is null ? [files.Path] : [files.Path, files.KeyPath];

    /// <summary>The files' content, as read now; a file that cannot be read counts as the error it gives.</summary>
    private static byte[] Fingerprint(CertificateSettings files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in Paths(files))
        {
            try { hash.AppendData(File.ReadAllBytes(path)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(e.GetType().Name + ": " + e.Message));
            }
            hash.AppendData([0]);
        }
        return hash.GetHashAndReset();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        foreach (var watcher in _watchers) watcher.Dispose();
        _interval.Dispose();
        _settle.Dispose();
    }
}
