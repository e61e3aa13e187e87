namespace AcumaticaZendesk.Benchmarks;

/// <summary>
/// The fewest Zendesk requests that load a dataset with 100-record bulk calls and the lookups they need, and the
/// time they take at the rate limit. Per batch of 100: one <c>show_many?external_ids=</c> lookup and one bulk write
/// (<c>organizations/create_many</c>, <c>users/create_or_update_many</c>). Job results are read with
/// <c>job_statuses/show_many?ids=</c>, up to 100 jobs a request, and at least once per phase: the organizations'
/// jobs must have finished before users can carry their <c>organization_id</c>, so the two phases cannot share a
/// status read. Users get <c>organization_id</c> from the organization jobs' results (no extra lookup); onboarding
/// searches by name or e-mail are not needed on an empty account and are not counted.
/// </summary>
public sealed record Bound(int Organizations, int Users, int BatchSize, int RateLimitPerMinute)
{
    public const string Formula =
        "requests = 2 x (ceil(organizations / 100) + ceil(users / 100)) + ceil(organization jobs / 100) + ceil(user jobs / 100)  [per 100: 1 show_many lookup "
            + "+ 1 bulk write job; job statuses read 100 at a time, once per phase]; seconds = requests x 60 / rate limit per minute";

    public int OrganizationBatches => Batches(Organizations);

    public int UserBatches => Batches(Users);

    public int Lookups => OrganizationBatches + UserBatches;

    public int Writes => OrganizationBatches + UserBatches;

    public int Polls => Batches(OrganizationBatches) + Batches(UserBatches);

    public int Requests => Lookups + Writes + Polls;

    public double Seconds => Requests * 60.0 / RateLimitPerMinute;

    private int Batches(int records) => (records + BatchSize - 1) / BatchSize;
}
