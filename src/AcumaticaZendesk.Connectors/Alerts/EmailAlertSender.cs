using System.Globalization;
using System.Net.Sockets;
using AcumaticaZendesk.Connectors.Egress;
using AcumaticaZendesk.Connectors.Secrets;
using AcumaticaZendesk.Sync.Alerts;
using AcumaticaZendesk.Sync.Ports;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace AcumaticaZendesk.Connectors.Alerts;

/// <summary>
/// Sends an alert by e-mail with MailKit's <see cref="SmtpClient"/>. The TCP connection is made by the
/// <see cref="EgressPolicy"/> (the SMTP host may not be a loopback, private or metadata address unless allow-listed);
/// the password is read from the secret store at each send.
/// </summary>
public sealed class EmailAlertSender(ISecretSource secrets, EgressPolicy egress) : IAlertChannel
{
    public string Name => "email";

    public async Task<AlertAttempt> SendAsync(AlertSettings settings, AlertNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(notice);
        var channel = settings.Email ?? throw new InvalidOperationException("The tenant has no e-mail channel.");
        string? password = null;
        if (channel.PasswordSecret is { } secretName)
        {
            if (AlertSecretScope.Refusal(secretName, notice.TenantId) is { } outside)
            {
                return outside;
            }

            password = await secrets.GetSecretAsync(secretName, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(password))
            {
                return AlertAttempt.Permanent($"secret '{secretName}' is missing from {SecretLookup.Describe(secrets, secretName)}");
            }
        }

        try
        {
            using var smtp = new SmtpClient();
            var socket = await egress.ConnectSocketAsync(channel.SmtpHost, channel.SmtpPort, cancellationToken).ConfigureAwait(false);
            try
            {
                await smtp.ConnectAsync(socket, channel.SmtpHost, channel.SmtpPort, Security(channel.Security), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            if (channel.UserName is { } user && password is not null)
            {
                await smtp.AuthenticateAsync(user, password, cancellationToken).ConfigureAwait(false);
            }

            await smtp.SendAsync(Message(channel, notice), cancellationToken).ConfigureAwait(false);
            await smtp.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
            return AlertAttempt.Done;
        }
        catch (EgressRefusedException ex)
        {
            return AlertAttempt.Permanent(ex.Message);
        }
        catch (AuthenticationException)
        {
            return AlertAttempt.Permanent($"the SMTP server refused user '{channel.UserName}' with the password of secret '{channel.PasswordSecret}'");
        }
        catch (SmtpCommandException ex)
        {
            // RFC 5321 §4.2.1: 4yz is a transient, 5yz a permanent negative reply.
            var error = string.Create(CultureInfo.InvariantCulture, $"the SMTP server answered {(int)ex.StatusCode}: {ex.Message}");
            return (int)ex.StatusCode < 500 ? AlertAttempt.Transient(error) : AlertAttempt.Permanent(error);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or SslHandshakeException or ServiceNotConnectedException)
        {
            return AlertAttempt.Transient($"the SMTP server {channel.SmtpHost}:{channel.SmtpPort} could not be used: {ex.Message}");
        }
    }

    /// <summary>Plain text: what happened, the words that explain it, and the link to the tenant in the console.</summary>
    public static MimeMessage Message(EmailAlertChannel channel, AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(notice);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(channel.From));
        foreach (var to in channel.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = $"[AcumaticaZendesk] {notice.Title}";
        var at = notice.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var link = notice.ConsoleLink is { } url ? $"Open the tenant in the console: {url.AbsoluteUri}\n" : "";
        message.Body = new TextPart("plain")
        {
            Text = $"{notice.Summary}\n\n{notice.Detail}\n\n{link}\nTenant: {notice.TenantName} ({notice.TenantId})\nAlert: {notice.KindName}\nAt: {at}\n",
        };
        return message;
    }

    private static SecureSocketOptions Security(SmtpSecurity security) => security switch
    {
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };
}
