using System.Globalization;
using System.Text;

namespace Herald.TestKit;

public sealed partial class RedisServer
{
    // A config file rather than command-line flags: quoting survives passwords with spaces, the
    // file can be read after a failure, and Sentinel needs a writable file it can rewrite anyway.
    private void WriteConfiguration()
    {
        var config = new StringBuilder();
        void Line(string directive, params string[] values) =>
            config.Append(directive).Append(' ').AppendJoin(' ', values.Select(Quote)).Append('\n');

        var port = Port.ToString(CultureInfo.InvariantCulture);
        Line("port", _options.Tls ? "0" : port);
        Line("bind", Host);
        Line("daemonize", "no");
        Line("protected-mode", _options.Password is null ? "no" : "yes");
        Line("dir", DataDirectory);
        Line("pidfile", Path.Combine(DataDirectory, "redis.pid"));

        if (_sentinel is { } sentinel)
        {
            Line("sentinel", "resolve-hostnames", "no");
            Line("sentinel", "monitor", sentinel.ServiceName, sentinel.PrimaryHost, sentinel.PrimaryPort.ToString(CultureInfo.InvariantCulture), sentinel.Quorum.ToString(CultureInfo.InvariantCulture));
            Line("sentinel", "down-after-milliseconds", sentinel.ServiceName, sentinel.DownAfterMilliseconds.ToString(CultureInfo.InvariantCulture));
            Line("sentinel", "failover-timeout", sentinel.ServiceName, sentinel.FailoverTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture));
            Line("sentinel", "parallel-syncs", sentinel.ServiceName, "1");
        }
        else
        {
            Line("save", string.Empty);
            Line("appendonly", _options.AppendOnly ? "yes" : "no");
            if (_options.AppendOnly)
                Line("appendfsync", "always");
        }

        if (_options.Password is { } password)
            Line("requirepass", password);
        if (_options.AclUser is { } user)
        {
            string[] rules = ["on", ">" + user.Password, .. user.Rules.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            Line("user", [user.Name, .. rules]);
        }

        if (Certificates is { } certificates)
        {
            Line("tls-port", port);
            Line("tls-cert-file", certificates.ServerCertificatePemPath);
            Line("tls-key-file", certificates.ServerKeyPemPath);
            Line("tls-ca-cert-file", certificates.AuthorityPemPath);
            Line("tls-auth-clients", _options.TlsRequireClientCertificate ? "yes" : "optional");
        }

        File.WriteAllText(_configPath, config.ToString());
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
