using AcumaticaZendesk.Testing.VendorSpecs;

namespace AcumaticaZendesk.Sandbox.IntegrationTests;

/// <summary>The answer validator itself: what it must accept and what it must refuse (docs/sandbox.md, "Every answer validated").</summary>
public sealed class SpecAnswerTests(Specs specs)
{
    private static readonly Uri Acu = new("http://127.0.0.1:5080/acumatica/demo/entity/Default/24.200.001/");
    private static readonly Uri Zd = new("http://127.0.0.1:5080/zendesk/demo/");

    [Fact]
    public void Declared_answers_in_the_declared_shape_pass()
    {
        Assert.Empty(
            specs.Answer(
                new(
                    "GET",
                    new Uri(Acu, "Customer?$top=1"),
                    200,
                    "application/json",
                    """[{"id":"6f2b8c1e-0000-4000-8000-000000000001","CustomerID":{"value":"C1"}}]""",
                    false)));
        Assert.Empty(
            specs.Answer(
                new(
                    "GET",
                    new Uri(Acu, "Customer/C1"),
                    500,
                    "application/json",
                    """
                    {
                      "message": "An error has occurred.",
                      "exceptionMessage": "No entity satisfies the condition.",
                      "exceptionType": "PX.Api.ContractBased.NoEntitySatisfiesTheConditionException"
                    }
                    """,
                    false)));
        Assert.Empty(specs.Answer(new("DELETE", new Uri(Acu, "Activity/6f2b8c1e-0000-4000-8000-000000000001"), 204, null, "", false)));
        Assert.Empty(
            specs.Answer(
                new(
                    "POST",
                    new Uri(Zd, "oauth/tokens"),
                    201,
                    "application/json",
                    """{"access_token":"t","token_type":"bearer","scope":"read write"}""",
                    false)));
        Assert.Empty(
            specs.Answer(
                new("GET", new Uri(Zd, "api/v2/organizations/show_many.json?external_ids=a"), 200, "application/json", """{"organizations":[]}""", false)));
        Assert.Empty(
            specs.Answer(
                new(
                    "POST",
                    new Uri(Zd, "api/v2/organizations/create_many"),
                    422,
                    "application/json",
                    """
                    {
                      "error": "RecordInvalid",
                      "description": "Record validation errors",
                      "details": {
                        "name": [
                          {
                            "description": "Name: has already been taken",
                            "error": "DuplicateValue"
                          }
                        ]
                      }
                    }
                    """,
                    false)));
        Assert.Empty(specs.Answer(new("GET", new Uri(Zd, "api/v2/job_statuses/abc"), 429, "text/plain", "Rate limit exceeded", true)));
    }

    [Theory]
    [InlineData("GET", "acu", "Customer", 200, """[{"CustomerID":"C1"}]""", "/0/CustomerID")] // an unwrapped value
    [InlineData("GET", "acu", "Customer/C1", 500, """{"message":42}""", "/message")] // HttpError.message is a string
    [InlineData("GET", "acu", "NoSuchEntity", 200, "[]", "neither the spec nor a documented shape")] // a route the spec does not have
    // the OAS declares only 201
    [InlineData("POST", "zd", "oauth/tokens", 200, """{"access_token":"t","token_type":"bearer"}""", "neither the spec nor a documented shape")]
    [InlineData("GET", "zd", "api/v2/organizations/show_many", 200, """{"organizations":[{"id":"not a number"}]}""", "/organizations/0/id")]
    [InlineData("GET", "zd", "api/v2/organizations/show_many", 404, """{"description":"Not found"}""", "required")] // a Zendesk error needs "error"
    [InlineData("GET", "zd", "api/v2/organizations/show_many", 429, "slow down", "Retry-After")]
    [InlineData("DELETE", "acu", "Activity/6f2b8c1e-0000-4000-8000-000000000001", 204, "{}", "declares no body")]
    public void Answers_that_drift_from_the_spec_are_refused(string method, string system, string path, int status, string body, string expected)
    {
        var url = new Uri(system == "acu" ? Acu : Zd, path);
        var problems = specs.Answer(new(method, url, status, body.StartsWith('{') || body.StartsWith('[') ? "application/json" : "text/plain", body, false));
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }
}
