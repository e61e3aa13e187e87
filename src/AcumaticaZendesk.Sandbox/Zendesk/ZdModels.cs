using System.Text.Json.Nodes;

namespace AcumaticaZendesk.Sandbox.Zendesk;

internal sealed class ZdOrg
{
    public long Id { get; init; }

    public string Name { get; set; } = "";

    public string? ExternalId { get; set; }

    public string? Details { get; set; }

    public string? Notes { get; set; }

    public List<string> DomainNames { get; set; } = [];

    public long? GroupId { get; set; }

    public bool SharedTickets { get; set; }

    public bool SharedComments { get; set; }

    public List<string> Tags { get; set; } = [];

    public JsonObject Fields { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class ZdIdentity
{
    public long Id { get; init; }

    public long UserId { get; init; }

    public string Type { get; init; } = "email";

    public string Value { get; init; } = "";

    public bool Verified { get; set; }

    public bool Primary { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class ZdUser
{
    public long Id { get; init; }

    public string Name { get; set; } = "";

    public string? ExternalId { get; set; }

    public string Role { get; set; } = "end-user";

    public long? OrganizationId { get; set; }

    public bool Active { get; set; } = true;

    public string? Phone { get; set; }

    public List<string> Tags { get; set; } = [];

    public JsonObject UserFields { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<ZdIdentity> Identities { get; } = [];

    public ZdIdentity? PrimaryEmail => Identities.FirstOrDefault(i => i.Primary && i.Type == "email") ?? Identities.FirstOrDefault(i => i.Type == "email");
}

internal sealed class ZdComment
{
    public long Id { get; init; }

    public long AuthorId { get; init; }

    public string Body { get; init; } = "";

    public bool Public { get; init; } = true;

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class ZdTicket
{
    public long Id { get; init; }

    public string Subject { get; set; } = "";

    public string Description { get; set; } = "";

    public string Status { get; set; } = "new";

    public string? Priority { get; set; }

    public string? Type { get; set; }

    public long RequesterId { get; set; }

    public long SubmitterId { get; set; }

    public long? AssigneeId { get; set; }

    public long? OrganizationId { get; set; }

    public List<string> Tags { get; set; } = [];

    public string? ExternalId { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public long GeneratedTimestamp { get; set; }

    public List<ZdComment> Comments { get; } = [];
}

internal sealed class ZdJob
{
    public string Id { get; init; } = "";

    public string JobType { get; init; } = "";

    public int Total { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset WorkingAt { get; init; }

    public DateTimeOffset CompletesAt { get; init; }

    public Func<JsonArray>? Work { get; set; }

    public JsonArray? Results { get; set; }
}
