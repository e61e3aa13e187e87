using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Ports;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>Answers of a bulk write that leave a record without its outcome.</summary>
public sealed class BatchingResultTests
{
    [Fact]
    public async Task A_record_zendesk_answered_without_an_id_or_not_at_all_fails_alone_with_a_code_that_says_which()
    {
        var writes = new[] { "A", "B", "C", "D" }.Select(k => (Item: new WorkItem(Customer(k, $"Org {k}"), k), Write: k)).ToArray();
        IReadOnlyList<WriteResult> answer =
        [
            new WriteResult(3, 504, null),
            new WriteResult(1, null, null), // no id and no error
            new WriteResult(0, 501, null),
            new WriteResult(7, 999, null), // an index the request did not have
        ];

        await Batching.WriteAsync(writes, _ => Task.FromResult(answer), Batching.ApplyWrite, maxConcurrent: 1);

        var outcomes = writes.Select(w => (w.Item.Action, w.Item.ZendeskId, w.Item.Error?.Code)).ToArray();
        Assert.Equal(
            [
                (PlannedAction.Skip, (long?)501, (string?)null),
                (PlannedAction.Fail, null, "NoId"),
                (PlannedAction.Fail, null, "MissingResult"),
                (PlannedAction.Skip, 504, null),
            ],
            outcomes);
        Assert.Equal("Zendesk returned no result for this item.", writes[2].Item.Error!.Message);
        Assert.Equal((WriteErrorKind.Other, "Zendesk returned no id."), (writes[1].Item.Error!.Kind, writes[1].Item.Error!.Message));
    }
}
