using Microsoft.OpenApi;

namespace AcumaticaZendesk.Testing.VendorSpecs;

/// <summary>One answer as a client received it: method, absolute URL, status, media type, body, and Retry-After.</summary>
public sealed record RecordedAnswer(string Method, Uri Url, int Status, string? MediaType, string Body, bool HasRetryAfter)
{
    public override string ToString() => $"{Method} {Url.AbsolutePath} → {Status}";
}

/// <summary>
/// Validates any answer of the sandbox against the operation the vendor's OpenAPI document declares for its route,
/// method and status (docs: sandbox, "Every answer validated"). An answer whose route or status the spec does not
/// declare is held to the documented shape named in <see cref="Undeclared"/>, and an answer that matches nothing is a
/// problem itself, so a new route or status cannot slip through unvalidated.
/// </summary>
public sealed partial class Specs
{
    private const string AcumaticaEndpoint = "/entity/Default/24.200.001";

    /// <summary>
    /// Zendesk's classic error body (facts 2.8; bodies quoted in tests/specs/zendesk-sample-payloads.json):
    /// <c>{"error": "RecordInvalid", "description": "…", "details": {field: [{description, error}]}}</c>, where
    /// <c>error</c> may also be an object <c>{title, message}</c>. The OAS declares few error bodies.
    /// </summary>
    private const string ZendeskClassicError = """
        {
          "type": "object",
          "required": [
            "error"
          ],
          "properties": {
            "error": {
              "anyOf": [
                {
                  "type": "string",
                  "minLength": 1
                },
                {
                  "type": "object",
                  "properties": {
                    "title": {
                      "type": "string"
                    },
                    "message": {
                      "type": "string"
                    }
                  }
                }
              ]
            },
            "description": {
              "type": "string"
            },
            "details": {
              "type": "object",
              "additionalProperties": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": [
                    "description"
                  ],
                  "properties": {
                    "description": {
                      "type": "string"
                    },
                    "error": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          }
        }
        """;

    /// <summary>OAuth 2.0 token endpoint answers (RFC 6749 §5.1 success, §5.2 error); Acumatica's identity server is not in its endpoint spec.</summary>
    private const string OAuthToken = """
        {
          "oneOf": [
            {
              "type": "object",
              "required": [
                "access_token",
                "token_type"
              ],
              "properties": {
                "access_token": {
                  "type": "string",
                  "minLength": 1
                },
                "token_type": {
                  "type": "string"
                },
                "expires_in": {
                  "type": "integer"
                },
                "refresh_token": {
                  "type": "string"
                },
                "scope": {
                  "type": "string"
                }
              }
            },
            {
              "type": "object",
              "required": [
                "error"
              ],
              "properties": {
                "error": {
                  "enum": [
                    "invalid_request",
                    "invalid_client",
                    "invalid_grant",
                    "unauthorized_client",
                    "unsupported_grant_type",
                    "invalid_scope"
                  ]
                },
                "error_description": {
                  "type": "string"
                }
              },
              "not": {
                "required": [
                  "access_token"
                ]
              }
            }
          ]
        }
        """;

    /// <summary>Acumatica <c>GET /entity</c> (facts 1.1, the C# client's model; not in the endpoint spec).</summary>
    private const string AcumaticaEndpointList = """
        {
          "type": "object",
          "required": [
            "version",
            "endpoints"
          ],
          "properties": {
            "version": {
              "type": "object",
              "properties": {
                "acumaticaBuildVersion": {
                  "type": "string"
                },
                "databaseVersion": {
                  "type": "string"
                }
              }
            },
            "endpoints": {
              "type": "array",
              "items": {
                "type": "object",
                "required": [
                  "name",
                  "version"
                ],
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "version": {
                    "type": "string"
                  },
                  "href": {
                    "type": "string"
                  }
                }
              }
            }
          }
        }
        """;

    /// <summary>Where an answer of a route or status the spec does not declare gets its shape (each with its source).</summary>
    private IReadOnlyList<string>? Undeclared(string system, string route, RecordedAnswer answer)
    {
        if (system == "zendesk")
        {
            return answer.Status switch
            {
                // facts 2.5: "Over limit → 429 with Retry-After (seconds), body often text/plain".
                429 when !answer.HasRetryAfter => ["429 without Retry-After"],
                429 when answer.MediaType != "application/json" => [],
                >= 400 => Validate(zendesk, ZendeskBase, ZendeskClassicError, answer.Body),
                _ => null,
            };
        }

        if (route == "/entity" && answer.Status == 200)
        {
            return Validate(acumatica, AcumaticaBase, AcumaticaEndpointList, answer.Body);
        }

        if (route is "/entity/auth/login" or "/entity/auth/logout" && answer.Status == 204)
        {
            return answer.Body.Length == 0 ? [] : ["a 204 with a body"]; // facts 1.6: sign-in and sign-out answer 204
        }

        if (route == "/identity/connect/token")
        {
            return Validate(acumatica, AcumaticaBase, OAuthToken, answer.Body);
        }

        // facts 1.7: "HttpError (400/401/412/500 …)"; 404 is an ASP.NET routing miss (facts 1.1), 429 a declined
        // request (facts 1.8) or the API Login Limit (facts 1.6); all in the HttpError shape.
        return answer.Status is 400 or 401 or 403 or 404 or 412 or 429 or 500 ? Acumatica("HttpError", answer.Body) : null;
    }

    /// <summary>Problems of one answer (empty = it is what the vendor's spec, or the documented shape, says).</summary>
    public IReadOnlyList<string> Answer(RecordedAnswer answer)
    {
        var path = answer.Url.AbsolutePath;
        var (system, route, document) = path.IndexOf("/api/v2/", StringComparison.Ordinal) is var z and >= 0
            ? ("zendesk", path[z..], zendeskDocument!)
            : path.IndexOf("/oauth/", StringComparison.Ordinal) is var o and >= 0 && path.StartsWith("/zendesk/", StringComparison.Ordinal)
                ? ("zendesk", path[o..], zendeskDocument!)
                : path.IndexOf("/entity", StringComparison.Ordinal) is var e and >= 0 ? ("acumatica", path[e..], acumaticaDocument!)
                : path.IndexOf("/identity/", StringComparison.Ordinal) is var id and >= 0 ? ("acumatica", path[id..], acumaticaDocument!)
                : ("?", path, zendeskDocument!);
        if (system == "?")
        {
            return [$"{answer}: not a route of either vendor"];
        }

        route = route.EndsWith(".json", StringComparison.Ordinal) && system == "zendesk" ? route[..^5] : route;
        var specRoute = system == "acumatica"
            && route.StartsWith(AcumaticaEndpoint + "/", StringComparison.Ordinal) ? route[AcumaticaEndpoint.Length..] : route;
        var operation = FindOperation(document, specRoute, answer.Method);
        var declared = operation?.Responses is { } responses
            && (responses.TryGetValue(answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var r)
                || responses.TryGetValue("default", out r))
            ? r : null;
        IReadOnlyList<string>? problems;
        if (declared is null)
        {
            problems = Undeclared(system, route, answer);
        }
        else if (declared.Content is not { Count: > 0 } content)
        {
            problems = answer.Body.Length == 0 ? [] : ["the spec declares no body, the answer has one"];
        }
        else if (answer.MediaType is null || !content.TryGetValue(answer.MediaType, out var media) || media.Schema is null)
        {
            problems = [$"media type {answer.MediaType ?? "(none)"} is not one the spec declares ({string.Join(", ", content.Keys)})"];
        }
        else
        {
            problems = ValidateAgainst(system, media.Schema, answer.Body);
        }

        return problems is null
            ? [$"{answer}: neither the spec nor a documented shape covers this answer"]
            : [.. problems.Select(p => $"{answer}: {p}")];
    }

    private IReadOnlyList<string> ValidateAgainst(string system, IOpenApiSchema schema, string body)
    {
        if (schema is OpenApiSchemaReference { Reference.Id: { } component })
        {
            return system == "zendesk"
                ? component == "JobStatusResponse" ? ZendeskJobWithLiveResults(body) : Zendesk(component, body)
                : Acumatica(component, body);
        }

        using var text = new StringWriter();
        schema.SerializeAsV31(new OpenApiJsonWriter(text));
        var baseUri = system == "zendesk" ? ZendeskBase : AcumaticaBase;
        var inline = text.ToString().Replace("\"#/components/", $"\"{baseUri}#/components/", StringComparison.Ordinal);
        return Validate(system == "zendesk" ? zendesk : acumatica, baseUri, inline, body);
    }

    /// <summary>The operation whose path template matches (a <c>{param}</c> is one segment; a trailing <c>{ids}</c> may span several).</summary>
    private static OpenApiOperation? FindOperation(OpenApiDocument document, string route, string method)
    {
        var segments = route.Trim('/').Split('/');
        foreach (var (template, item) in document.Paths)
        {
            var parts = template.Trim('/').Split('/');
            var multiKey = parts.Length > 0 && parts[^1] == "{ids}";
            if (parts.Length != segments.Length && !(multiKey && segments.Length > parts.Length))
            {
                continue;
            }

            var matches = parts.Select((p, k) => p.StartsWith('{') || string.Equals(p, segments[k], StringComparison.Ordinal)).All(m => m);
            if (matches
                && item.Operations?.FirstOrDefault(op => string.Equals(op.Key.Method, method, StringComparison.OrdinalIgnoreCase)).Value is { } operation)
            {
                // A literal path ("/organizations/show_many") wins over a template ("/organizations/{organization_id}").
                var literal = document.Paths.Keys.FirstOrDefault(t => string.Equals(t.Trim('/'), route.Trim('/'), StringComparison.Ordinal));
                return literal is not null && literal != template
                    ? document.Paths[literal].Operations?.FirstOrDefault(op => string.Equals(op.Key.Method, method, StringComparison.OrdinalIgnoreCase)).Value
                        ?? operation
                    : operation;
            }
        }

        return null;
    }
}
