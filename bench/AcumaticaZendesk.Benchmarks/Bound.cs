namespace AcumaticaZendesk.Benchmarks;

/// <summary>
/// The fewest Zendesk requests that load a dataset with 100-record bulk calls and the lookups they need, and the
/// time they take at the rate limit. Per batch of 100: one <c>show_many?external_ids=</c> lookup, one bulk write
/// (<c>organizations/create_many</c>, <c>users/create_or_update_many</c>) and at least one
/// <c>job_statuses/{id}</c> poll. Users get <c>organization_id</c> from the organization jobs' results (no extra
/// lookup); onboarding searches by name or e-mail are not needed on an empty account and are not counted.
/// </summary>
public sealed record Bound(int Organizations, int Users, int BatchSize, int RateLimitPerMinute)
{
    public const string Formula =
        "requests = 3 x (ceil(organizations / 100) + ceil(users / 100))  [per 100: 1 show_many lookup + 1 bulk write job + >= 1 job-status poll]; seconds = requests x 60 / rate limit per minute";

    public int OrganizationBatches => Batches(Organizations);

    public int UserBatches => Batches(Users);

    public int Lookups => OrganizationBatches + UserBatches;

    public int Writes => OrganizationBatches + UserBatches;

    public int Polls => OrganizationBatches + UserBatches;

    public int Requests => Lookups + Writes + Polls;

    public double Seconds => Requests * 60.0 / RateLimitPerMinute;

    private int Batches(int records) => (records + BatchSize - 1) / BatchSize;
}
