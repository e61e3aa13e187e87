using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AcumaticaZendesk.Console.EndToEndTests.Oidc;

/// <summary>What the provider does wrong in the next id_token it issues.</summary>
public enum TokenFault
{
    None,
    WrongAudience,
    WrongIssuer,
    WrongNonce,
    WrongSignature,
    Expired,
}

/// <summary>
/// A small OpenID Connect provider on https://127.0.0.1 (a self-signed certificate the test trusts explicitly):
/// discovery, a JWKS with one RSA key, <c>/authorize</c> that signs in <see cref="SignInAs"/> at once and answers with
/// the code and the state (form_post or query, as asked), and <c>/token</c> that checks the code, the redirect URI, the
/// client and the PKCE verifier and returns an RS256 id_token carrying the nonce it was given (OpenID Connect Core 1.0
/// §3.1.2 and §3.1.3; RFC 7636 for PKCE). <see cref="Fault"/> makes the next id_token wrong in one way.
/// </summary>
public sealed class FakeOidcProvider : IAsyncDisposable
{
    private const string KeyId = "test-key-1";

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly RSA _signingKey = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, IssuedCode> _codes = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, string>> _authorizeRequests = new();

    private FakeOidcProvider(WebApplication app, X509Certificate2 certificate, string clientId)
    {
        _app = app;
        _certificate = certificate;
        ClientId = clientId;
    }

    public string ClientId { get; }

    /// <summary>The issuer, <c>https://127.0.0.1:{port}</c> (also the console's <c>Authority</c>).</summary>
    public string Issuer { get; private set; } = string.Empty;

    /// <summary>The claims of the person the next <c>/authorize</c> signs in (besides iss, aud, exp, iat, nonce).</summary>
    public IReadOnlyDictionary<string, object> SignInAs { get; set; } = new Dictionary<string, object> { ["sub"] = "nobody" };

    public TokenFault Fault { get; set; }

    /// <summary>The query of every <c>/authorize</c> request, in order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> AuthorizeRequests => [.. _authorizeRequests];

    public static async Task<FakeOidcProvider> StartAsync(string clientId)
    {
        var certificate = SelfSignedLoopbackCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var provider = new FakeOidcProvider(app, certificate, clientId);
        app.MapGet("/.well-known/openid-configuration", provider.Discovery);
        app.MapGet("/jwks", provider.Jwks);
        app.MapGet("/authorize", provider.Authorize);
        app.MapPost("/token", provider.TokenAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Urls.Single();
        provider.Issuer = address.TrimEnd('/');
        return provider;
    }

    /// <summary>An HTTP handler that trusts this provider's certificate (and no other self-signed one).</summary>
    public SocketsHttpHandler TrustingHandler() => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None || (certificate is not null && certificate.GetCertHashString() == _certificate.GetCertHashString()),
        },
    };

    private IResult Discovery() => Results.Json(new JsonObject
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = $"{Issuer}/authorize",
        ["token_endpoint"] = $"{Issuer}/token",
        ["jwks_uri"] = $"{Issuer}/jwks",
        ["response_types_supported"] = new JsonArray("code"),
        ["response_modes_supported"] = new JsonArray("query", "form_post"),
        ["subject_types_supported"] = new JsonArray("public"),
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        ["code_challenge_methods_supported"] = new JsonArray("S256"),
        ["scopes_supported"] = new JsonArray("openid", "profile"),
    });

    private IResult Jwks()
    {
        var key = _signingKey.ExportParameters(includePrivateParameters: false);
        return Results.Json(new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = KeyId,
                ["n"] = Base64UrlEncoder.Encode(key.Modulus),
                ["e"] = Base64UrlEncoder.Encode(key.Exponent),
            }),
        });
    }

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        _authorizeRequests.Enqueue(query.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal));
        if (query["client_id"] != ClientId || query["response_type"] != "code" || string.IsNullOrEmpty(query["redirect_uri"]))
        {
            return Results.BadRequest("unknown client, response type or redirect URI");
        }

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        _codes[code] = new IssuedCode(query["redirect_uri"]!, query["nonce"], query["code_challenge"], new Dictionary<string, object>(SignInAs));
        var redirectUri = query["redirect_uri"].ToString();
        var state = query["state"].ToString();
        if (query["response_mode"] == "form_post")
        {
            // OAuth 2.0 Form Post Response Mode: a page that posts the answer to the client at once.
            var html = $"""
                <html><body onload="document.forms[0].submit()"><form method="post" action="{WebUtility.HtmlEncode(redirectUri)}">
                <input type="hidden" name="code" value="{WebUtility.HtmlEncode(code)}" />
                <input type="hidden" name="state" value="{WebUtility.HtmlEncode(state)}" />
                </form></body></html>
                """;
            return Results.Content(html, "text/html", Encoding.UTF8);
        }

        return Results.Redirect($"{redirectUri}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state)}");
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync().ConfigureAwait(false);
        if (form["grant_type"] != "authorization_code" || form["client_id"] != ClientId
            || !_codes.TryRemove(form["code"].ToString(), out var issued) || form["redirect_uri"] != issued.RedirectUri
            || issued.CodeChallenge is null || S256(form["code_verifier"].ToString()) != issued.CodeChallenge)
        {
            return Results.Json(new JsonObject { ["error"] = "invalid_grant" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var accessToken = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        return Results.Json(new JsonObject
        {
            ["access_token"] = accessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = 300,
            ["id_token"] = IdToken(issued, accessToken),
        });
    }

    private string IdToken(IssuedCode issued, string accessToken)
    {
        var now = DateTime.UtcNow;
        var fault = Fault;
        var claims = new Dictionary<string, object>(issued.Claims)
        {
            ["nonce"] = fault == TokenFault.WrongNonce ? "a-nonce-this-sign-in-never-sent" : issued.Nonce ?? string.Empty,
            ["at_hash"] = AtHash(accessToken),
        };
        var key = new RsaSecurityKey(fault == TokenFault.WrongSignature ? _otherKey : _signingKey) { KeyId = KeyId };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = fault == TokenFault.WrongIssuer ? "https://127.0.0.1:1/another-issuer" : Issuer,
            Audience = fault == TokenFault.WrongAudience ? "another-application" : ClientId,
            IssuedAt = fault == TokenFault.Expired ? now.AddHours(-2) : now,
            NotBefore = fault == TokenFault.Expired ? now.AddHours(-2) : now.AddMinutes(-1),
            Expires = fault == TokenFault.Expired ? now.AddHours(-1) : now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>PKCE S256 (RFC 7636 §4.2): BASE64URL(SHA256(ASCII(verifier))).</summary>
    private static string S256(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>at_hash (OpenID Connect Core 1.0 §3.1.3.6): the left half of SHA-256 of the access token, base64url.</summary>
    private static string AtHash(string accessToken) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))[..16]);

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        _certificate.Dispose();
        _signingKey.Dispose();
        _otherKey.Dispose();
    }

    private sealed record IssuedCode(string RedirectUri, string? Nonce, string? CodeChallenge, Dictionary<string, object> Claims);
}
