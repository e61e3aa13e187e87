using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Infrastructure;

namespace AcumaticaZendesk.Sandbox.Zendesk;

internal sealed partial class ZdAccount
{
    private static readonly HashSet<string> TicketStatuses = new(StringComparer.Ordinal) { "new", "open", "pending", "hold", "solved", "closed" };

    public ZdTicket? Ticket(long id) => tickets.GetValueOrDefault(id);

    public ZdResult<ZdTicket> CreateTicket(JsonObject input)
    {
        var comment = input["comment"] as JsonObject;
        var body = comment?.Str("body") ?? comment?.Str("html_body") ?? input.Str("description");
        if (string.IsNullOrWhiteSpace(body))
        {
            return ZdErrors.Invalid("description", "Description: cannot be blank", "BlankValue");
        }

        var status = input.Str("status") ?? "new";
        if (!TicketStatuses.Contains(status))
        {
            return ZdErrors.Invalid("status", $"Status: {status} is not a valid status", "InvalidValue");
        }

        var requesterId = input.Long("requester_id") ?? users.Keys.FirstOrDefault();
        if (!users.TryGetValue(requesterId, out var requester))
        {
            return ZdErrors.Invalid("requester", "Requester: cannot be blank", "BlankValue");
        }

        var now = Now();
        var ticket = new ZdTicket
        {
            Id = ++nextTicketId,
            Subject = input.Str("subject") ?? body[..Math.Min(body.Length, 60)],
            Description = body,
            Status = status,
            Priority = input.Str("priority"),
            Type = input.Str("type"),
            RequesterId = requester.Id,
            SubmitterId = input.Long("submitter_id") ?? requester.Id,
            AssigneeId = input.Long("assignee_id"),
            OrganizationId = input.Long("organization_id") ?? requester.OrganizationId,
            ExternalId = input.Str("external_id"),
            Tags = input["tags"] is JsonArray t ? [.. t.Select(x => x?.ToString() ?? "")] : [],
            CreatedAt = now,
            UpdatedAt = now,
        };
        ticket.Comments.Add(new ZdComment { Id = NewId(), AuthorId = requester.Id, Body = body, Public = comment?.Bool("public") ?? true, CreatedAt = now });
        tickets[ticket.Id] = ticket;
        ticketIds.Add(ticket.Id);
        Restream(ticket);
        EmitTicket(ticket, "created", new JsonObject());
        return new ZdResult<ZdTicket>(ticket, null, true);
    }

    public ZdResult<ZdTicket> UpdateTicket(ZdTicket ticket, JsonObject input)
    {
        if (CheckConflict('t', ticket.Id) is { } conflict)
        {
            return conflict;
        }

        var oldStatus = ticket.Status;
        if (input.Str("status") is { } status)
        {
            if (!TicketStatuses.Contains(status))
            {
                return ZdErrors.Invalid("status", $"Status: {status} is not a valid status", "InvalidValue");
            }

            if (oldStatus == "closed")
            {
                return ZdErrors.Invalid("status", "Status: closed prevents ticket update", "InvalidValue");
            }

            ticket.Status = status;
        }

        if (input.Has("subject")) ticket.Subject = input.Str("subject") ?? ticket.Subject;
        if (input.Has("priority")) ticket.Priority = input.Str("priority");
        if (input.Has("assignee_id")) ticket.AssigneeId = input.Long("assignee_id");
        if (input.Has("organization_id")) ticket.OrganizationId = input.Long("organization_id");
        if (input["tags"] is JsonArray t) ticket.Tags = [.. t.Select(x => x?.ToString() ?? "")];
        var now = Now();
        ticket.UpdatedAt = now;
        if (input["comment"] is JsonObject c && (c.Str("body") ?? c.Str("html_body")) is { Length: > 0 } body)
        {
            var comment = new ZdComment
            {
                Id = NewId(),
                AuthorId = c.Long("author_id") ?? ticket.RequesterId,
                Body = body,
                Public = c.Bool("public") ?? true,
                CreatedAt = now
            };
            ticket.Comments.Add(comment);
            EmitTicket(ticket, "comment_added", new JsonObject
            {
                ["comment"] = new JsonObject
                {
                    ["id"] = comment.Id.ToString(CultureInfo.InvariantCulture),
                    ["body"] = comment.Body,
                    ["is_public"] = comment.Public,
                    ["author"] = new JsonObject { ["id"] = comment.AuthorId.ToString(CultureInfo.InvariantCulture), ["is_staff"] = false },
                },
            });
        }

        if (oldStatus != ticket.Status)
        {
            EmitTicket(
                ticket,
                "status_changed",
                new JsonObject { ["current"] = ticket.Status.ToUpperInvariant(), ["previous"] = oldStatus.ToUpperInvariant() });
        }

        Restream(ticket);
        return new ZdResult<ZdTicket>(ticket, null);
    }

    private void Restream(ZdTicket ticket)
    {
        ticketStream.Remove((ticket.GeneratedTimestamp, ticket.Id));
        ticket.GeneratedTimestamp = time.GetUtcNow().ToUnixTimeSeconds();
        ticketStream.Add((ticket.GeneratedTimestamp, ticket.Id));
    }

    private void EmitTicket(ZdTicket t, string eventName, JsonObject evt)
    {
        evt["meta"] = new JsonObject
        {
            ["sequence"] = new JsonObject { ["id"] = Tokens.Hex(16).ToUpperInvariant(), ["position"] = 1, ["total"] = 1 },
        };
        Emit("ticket", eventName, t.Id, new JsonObject
        {
            ["id"] = t.Id.ToString(CultureInfo.InvariantCulture),
            ["subject"] = t.Subject,
            ["status"] = t.Status.ToUpperInvariant(),
            ["priority"] = t.Priority?.ToUpperInvariant(),
            ["requester_id"] = t.RequesterId.ToString(CultureInfo.InvariantCulture),
            ["submitter_id"] = t.SubmitterId.ToString(CultureInfo.InvariantCulture),
            ["assignee_id"] = t.AssigneeId?.ToString(CultureInfo.InvariantCulture),
            ["organization_id"] = t.OrganizationId?.ToString(CultureInfo.InvariantCulture),
            ["tags"] = new JsonArray([.. t.Tags.Select(x => (JsonNode)x)]),
            ["via"] = new JsonObject { ["channel"] = "web" },
            ["created_at"] = Json.Iso(t.CreatedAt),
            ["updated_at"] = Json.Iso(t.UpdatedAt),
        }, evt);
    }

    public JsonObject Render(ZdTicket t, string baseUrl) => Compact(new()
    {
        ["url"] = $"{baseUrl}/api/v2/tickets/{t.Id}.json",
        ["id"] = t.Id,
        ["external_id"] = t.ExternalId,
        ["via"] = new JsonObject
        {
            ["channel"] = "web",
            ["source"] = new JsonObject { ["from"] = new JsonObject(), ["to"] = new JsonObject(), ["rel"] = null }
        },
        ["created_at"] = Json.Iso(t.CreatedAt),
        ["updated_at"] = Json.Iso(t.UpdatedAt),
        ["generated_timestamp"] = t.GeneratedTimestamp,
        ["type"] = t.Type,
        ["subject"] = t.Subject,
        ["raw_subject"] = t.Subject,
        ["description"] = t.Description,
        ["priority"] = t.Priority,
        ["status"] = t.Status,
        ["recipient"] = null,
        ["requester_id"] = t.RequesterId,
        ["submitter_id"] = t.SubmitterId,
        ["assignee_id"] = t.AssigneeId,
        ["organization_id"] = t.OrganizationId,
        ["group_id"] = null,
        ["collaborator_ids"] = new JsonArray(),
        ["follower_ids"] = new JsonArray(),
        ["email_cc_ids"] = new JsonArray(),
        ["forum_topic_id"] = null,
        ["problem_id"] = null,
        ["has_incidents"] = false,
        ["is_public"] = t.Comments.Count == 0 || t.Comments[0].Public,
        ["due_at"] = null,
        ["tags"] = new JsonArray([.. t.Tags.Select(x => (JsonNode)x)]),
        ["custom_fields"] = new JsonArray(),
        ["satisfaction_rating"] = null,
        ["sharing_agreement_ids"] = new JsonArray(),
        ["fields"] = new JsonArray(),
        ["followup_ids"] = new JsonArray(),
        ["brand_id"] = 1,
        ["allow_channelback"] = false,
        ["allow_attachments"] = true,
        ["from_messaging_channel"] = false,
    });

    public static JsonObject Render(ZdComment c) => new()
    {
        ["id"] = c.Id,
        ["type"] = "Comment",
        ["author_id"] = c.AuthorId,
        ["body"] = c.Body,
        ["html_body"] = $"<div class=\"zd-comment\"><p>{System.Net.WebUtility.HtmlEncode(c.Body)}</p></div>",
        ["plain_body"] = c.Body,
        ["public"] = c.Public,
        ["attachments"] = new JsonArray(),
        ["audit_id"] = c.Id + 1,
        ["via"] = new JsonObject { ["channel"] = "web" },
        ["created_at"] = Json.Iso(c.CreatedAt),
        ["metadata"] = new JsonObject(),
    };

    // ------------------------------------------------------------------ incremental export (cursor)

    public static string EncodeCursor(long generated, long id) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{generated}.0||{id}|")).TrimEnd('=');

    public static (long Generated, long Id)? DecodeCursor(string cursor)
    {
        try
        {
            var padded = cursor.PadRight(cursor.Length + ((4 - (cursor.Length % 4)) % 4), '=');
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(padded)).Split("||");
            return (long.Parse(parts[0].Split('.')[0], CultureInfo.InvariantCulture), long.Parse(parts[1].TrimEnd('|'), CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>Tickets strictly after the cursor position, in (generated_timestamp, id) order.</summary>
    public (List<ZdTicket> Page, bool EndOfStream, (long, long) Last) ExportAfter((long Generated, long Id) position, int perPage)
    {
        var view = ticketStream.GetViewBetween((position.Generated, position.Id + 1), (long.MaxValue, long.MaxValue));
        var page = new List<ZdTicket>(Math.Min(perPage, 1000));
        var last = position;
        var more = false;
        foreach (var key in view)
        {
            if (page.Count == perPage)
            {
                more = true;
                break;
            }

            page.Add(tickets[key.Id]);
            last = key;
        }

        return (page, !more, last);
    }

    /// <summary>Users changed strictly after the position, in (updated_at, id) order (sorted per call: exports are limited to a few per minute).</summary>
    public (List<ZdUser> Page, bool EndOfStream, (long, long) Last) ExportUsersAfter((long Updated, long Id) position, int perPage)
    {
        var ordered = users.Values
            .Select(u => (Key: (u.UpdatedAt.ToUnixTimeSeconds(), u.Id), User: u))
            .Where(x => x.Key.CompareTo(position) > 0)
            .OrderBy(x => x.Key)
            .Take(perPage + 1)
            .ToList();
        var page = ordered.Take(perPage).ToList();
        return ([.. page.Select(x => x.User)], ordered.Count <= perPage, page.Count > 0 ? page[^1].Key : position);
    }

    // ------------------------------------------------------------------ jobs

    /// <summary>Queues a job; null when the account already has the maximum of queued/working jobs.</summary>
    public ZdJob? QueueJob(string jobType, int total, Func<JsonArray> work)
    {
        PumpJobs();
        var now = time.GetUtcNow();
        if (jobs.Count(j => j.Results is null) >= Settings.MaxQueuedJobs)
        {
            return null;
        }

        var job = new ZdJob
        {
            Id = Tokens.Hex(16),
            JobType = jobType,
            Total = total,
            CreatedAt = now,
            WorkingAt = now + Settings.JobQueuedFor,
            CompletesAt = now + Settings.JobQueuedFor + Settings.JobWorkingFor,
            Work = work,
        };
        jobs.Add(job);
        return job;
    }

    /// <summary>Applies due jobs in order and forgets expired ones. Call under the gate.</summary>
    public void PumpJobs()
    {
        if (jobs.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var job in jobs)
        {
            if (job.Results is null && job.CompletesAt <= now)
            {
                job.Results = job.Work!();
                job.Work = null;
            }
        }

        jobs.RemoveAll(j => j.Results is not null && now - j.CompletesAt >= Settings.JobExpiry);
    }

    public ZdJob? Job(string id)
    {
        PumpJobs();
        return jobs.FirstOrDefault(j => j.Id == id);
    }

    public IReadOnlyList<ZdJob> RecentJobs()
    {
        PumpJobs();
        return [.. jobs.TakeLast(100).Reverse()];
    }

    public JsonObject Render(ZdJob job, string baseUrl)
    {
        var now = time.GetUtcNow();
        var (status, progress) = job.Results is not null ? ("completed", job.Total)
            : now < job.WorkingAt ? ("queued", 0) : ("working", job.Total / 2);
        return new JsonObject
        {
            ["id"] = job.Id,
            ["url"] = $"{baseUrl}/api/v2/job_statuses/{job.Id}.json",
            ["job_type"] = job.JobType,
            ["total"] = job.Total,
            ["progress"] = progress,
            ["status"] = status,
            ["message"] = job.Results is not null ? $"Completed at {Json.Iso(job.CompletesAt)}" : null,
            ["results"] = job.Results?.DeepClone(),
        };
    }
}

internal sealed partial class ZdAccount
{
    public SortedSet<long> OrgIds => orgIds;

    private readonly Dictionary<string, (string Fingerprint, DateTimeOffset At, JsonReply Reply)> idempotency = new(StringComparer.Ordinal);

    /// <summary>The remembered reply for an Idempotency-Key, if still retained.</summary>
    public (string Fingerprint, JsonReply Reply)? Remembered(string key)
    {
        if (!idempotency.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (time.GetUtcNow() - entry.At > Settings.IdempotencyRetention)
        {
            idempotency.Remove(key);
            return null;
        }

        return (entry.Fingerprint, entry.Reply);
    }

    public void Remember(string key, string fingerprint, JsonReply reply) => idempotency[key] = (fingerprint, time.GetUtcNow(), reply);

    /// <summary>Puts back saved records with their ids (file persistence); caller holds <see cref="Gate"/>.</summary>
    public void Restore(IEnumerable<ZdOrg> savedOrgs, IEnumerable<ZdUser> savedUsers, IEnumerable<ZdTicket> savedTickets)
    {
        foreach (var o in savedOrgs)
        {
            orgs[o.Id] = o;
            orgIds.Add(o.Id);
            orgByName[o.Name] = o;
            if (!string.IsNullOrEmpty(o.ExternalId))
            {
                orgByExternal[o.ExternalId] = o;
            }

            nextId = Math.Max(nextId, o.Id);
        }

        foreach (var u in savedUsers)
        {
            users[u.Id] = u;
            userIds.Add(u.Id);
            if (!string.IsNullOrEmpty(u.ExternalId))
            {
                userByExternal[u.ExternalId] = u;
            }

            foreach (var i in u.Identities.Where(i => i.Type == "email"))
            {
                userByEmail[i.Value] = u;
                nextId = Math.Max(nextId, i.Id);
            }

            nextId = Math.Max(nextId, u.Id);
        }

        foreach (var t in savedTickets)
        {
            tickets[t.Id] = t;
            ticketIds.Add(t.Id);
            ticketStream.Add((t.GeneratedTimestamp, t.Id));
            nextTicketId = Math.Max(nextTicketId, t.Id);
            nextId = Math.Max(nextId, t.Comments.Select(c => c.Id).DefaultIfEmpty(0).Max());
        }
    }

    public SortedSet<long> UserIds => userIds;

    public SortedSet<long> TicketIds => ticketIds;
}
