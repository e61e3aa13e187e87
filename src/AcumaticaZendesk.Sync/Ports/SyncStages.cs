namespace AcumaticaZendesk.Sync.Ports;

/// <summary>
/// The order in which a run reads the entity kinds: stages one after another, the kinds of a stage side by side.
/// Customers and employees first: employees need only the company's own organization, which their page creates,
/// and touch no customer organization. Vendors next: an account that is both customer and vendor is one
/// organization, so its vendor contribution is merged into what the customer page wrote (never two creates racing
/// for one account). Contacts last: they link to the organizations of both.
/// </summary>
public static class SyncStages
{
    public static IReadOnlyList<IReadOnlyList<EntityKind>> All { get; } =
        [[EntityKind.Customer, EntityKind.Employee], [EntityKind.Vendor], [EntityKind.Contact]];

    /// <summary>Every kind, in the order the stages start them.</summary>
    public static IReadOnlyList<EntityKind> KindOrder { get; } = [.. All.SelectMany(s => s)];
}
