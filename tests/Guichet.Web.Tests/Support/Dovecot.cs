using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace Guichet.Web.Tests.Support;

/// <summary>Runs only where Debian's dovecot-imapd is installed (./test.sh installs it); otherwise reported as skipped.</summary>
public sealed class DovecotFactAttribute : FactAttribute
{
    public DovecotFactAttribute()
    {
        if (!Dovecot.Installed) Skip = $"needs {Dovecot.Binary} (Debian package dovecot-imapd)";
    }
}

/// <summary>
/// A real Dovecot IMAP server on a loopback port, with one mailbox (a maildir in a scratch folder) and plain login
/// without TLS, as a town hall's mail provider would host it. Started in the foreground, killed with its children.
/// </summary>
public sealed class Dovecot : IDisposable
{
    public const string Binary = "/usr/sbin/dovecot";
    public const string User = "demandes@lorval.demo";
    public static bool Installed => !OperatingSystem.IsWindows() && File.Exists(Binary);

    private readonly string dir = Path.Combine(Path.GetTempPath(), "guichet-dovecot-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Process process;

    public int Port { get; }
    public string Password { get; } = Guid.NewGuid().ToString("N");

    public Dovecot()
    {
        Port = FreePort();
        Directory.CreateDirectory(Path.Combine(dir, "run"));
        Directory.CreateDirectory(Path.Combine(dir, "state"));
        var home = Path.Combine(dir, "home");
        Directory.CreateDirectory(home);
        // As root, Dovecot's own users run it and own the mail (it refuses uid 0); otherwise the current user does all.
        var root = Environment.UserName == "root";
        var internalUser = root ? "dovecot" : Environment.UserName;
        var loginUser = root ? "dovenull" : Environment.UserName;
        var mailUser = root ? "dovecot" : Environment.UserName;
        File.WriteAllText(Path.Combine(dir, "passwd"), $"{User}:{{PLAIN}}{Password}\n");
        if (!OperatingSystem.IsWindows())
        {
            // The mail user (dovecot, as root) writes the maildir; the auth process reads the password file.
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(home, (UnixFileMode)0b111_111_111);
            File.SetUnixFileMode(Path.Combine(dir, "passwd"), (UnixFileMode)0b110_100_100);
        }
        File.WriteAllText(Path.Combine(dir, "dovecot.conf"), $$"""
            base_dir = {{dir}}/run
            state_dir = {{dir}}/state
            log_path = {{dir}}/log
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            first_valid_uid = 1
            auth_failure_delay = 0
            default_internal_user = {{internalUser}}
            default_internal_group = {{internalUser}}
            default_login_user = {{loginUser}}
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{dir}}/passwd
            }
            userdb {
              driver = static
              args = uid={{mailUser}} gid={{mailUser}} home={{home}}/%u
            }
            mail_location = maildir:~/Maildir
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{Port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            """);
        process = Process.Start(new ProcessStartInfo(Binary, ["-F", "-c", Path.Combine(dir, "dovecot.conf")])
            { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true })!;
        // Should the test run die without disposing, the server must not outlive it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, Port);
                break;
            }
            catch (SocketException) when (watch.Elapsed < TimeSpan.FromSeconds(20) && !process.HasExited)
            {
                Thread.Sleep(100);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException("Dovecot did not start: " + (File.Exists(Path.Combine(dir, "log")) ? File.ReadAllText(Path.Combine(dir, "log")) : process.StandardError.ReadToEnd()));
            }
        }
    }

    private async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(User, Password);
        return client;
    }

    /// <summary>Delivers a message into the arrival folder, as the provider's MTA does.</summary>
    public async Task DeliverAsync(string raw)
    {
        using var client = await ConnectAsync();
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n")));
        await client.Inbox.AppendAsync(new AppendRequest(await MimeMessage.LoadAsync(stream)));
        await client.DisconnectAsync(true);
    }

    /// <summary>The Message-IDs in a folder (none when it does not exist).</summary>
    public async Task<List<string>> MessageIdsAsync(string folder)
    {
        using var client = await ConnectAsync();
        IMailFolder box;
        try
        {
            box = await client.GetFolderAsync(folder);
        }
        catch (FolderNotFoundException)
        {
            return [];
        }
        await box.OpenAsync(FolderAccess.ReadOnly);
        var ids = box.Count == 0 ? [] : (await box.FetchAsync(0, -1, MessageSummaryItems.Envelope)).Select(s => s.Envelope?.MessageId ?? "").ToList();
        await client.DisconnectAsync(true);
        return ids;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Stop()
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    public void Dispose()
    {
        Stop();
        process.Dispose();
        if (Environment.GetEnvironmentVariable("GUICHET_KEEP_DOVECOT") == "1") return;   // to read its log
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
