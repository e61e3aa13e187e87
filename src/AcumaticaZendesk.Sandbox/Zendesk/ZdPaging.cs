using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Infrastructure;

namespace AcumaticaZendesk.Sandbox.Zendesk;

/// <summary>Zendesk list paging: cursor (<c>page[size]</c>/<c>page[after]</c>) or offset (<c>page</c>/<c>per_page</c>, refused past the offset
/// limit), in id order or, with <c>descending</c>, newest first.</summary>
internal static class ZdPaging
{
    public static IResult Page(
        HttpContext ctx, ZdAccount account, SortedSet<long> ids, string key, Func<long, JsonObject> render, bool descending = false)
    {
        var q = ctx.Request.Query;
        var url = $"{ZdEndpoints.BaseUrl(ctx, account)}{ctx.Request.Path.Value![ctx.Request.Path.Value!.IndexOf("/api/v2", StringComparison.Ordinal)..]}";
        if (q.ContainsKey("page[size]") || q.ContainsKey("page[after]") || q.ContainsKey("page[before]"))
        {
            var size = 100;
            if (q.ContainsKey("page[size]")
                && (!int.TryParse(q["page[size]"], NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > 100))
            {
                return ZdErrors.BadRequest("InvalidPaginationParameter", "page[size] must be between 1 and 100");
            }

            long? after = null;
            if (q["page[after]"].ToString() is { Length: > 0 } cursor)
            {
                if (Decode(cursor) is not { } pos)
                {
                    return ZdErrors.BadRequest("InvalidPaginationParameter", "page[after] is not a valid cursor");
                }

                after = pos;
            }

            var items = new JsonArray();
            long first = 0, last = 0;
            var hasMore = false;
            foreach (var id in Following(ids, after, descending))
            {
                if (items.Count == size)
                {
                    hasMore = true;
                    break;
                }

                if (first == 0)
                {
                    first = id;
                }

                last = id;
                items.Add(render(id));
            }

            var afterCursor = items.Count > 0 ? Encode(last) : null;
            return Json.Ok(new JsonObject
            {
                [key] = items,
                ["meta"] = new JsonObject
                {
                    ["has_more"] = hasMore,
                    ["after_cursor"] = afterCursor,
                    ["before_cursor"] = items.Count > 0 ? Encode(first) : null,
                },
                ["links"] = new JsonObject
                {
                    ["prev"] = items.Count > 0 ? $"{url}?page%5Bbefore%5D={Encode(first)}&page%5Bsize%5D={size}{Sort(q)}" : null,
                    ["next"] = hasMore ? $"{url}?page%5Bafter%5D={afterCursor}&page%5Bsize%5D={size}{Sort(q)}" : null,
                },
            });
        }

        var page = int.TryParse(q["page"], out var p) && p > 0 ? p : 1;
        var perPage = int.TryParse(q["per_page"], out var pp) && pp > 0 ? Math.Min(pp, 100) : 100;
        var offset = (long)(page - 1) * perPage;
        if (offset >= account.Settings.OffsetPaginationLimit)
        {
            return ZdErrors.BadRequest("InvalidPaginationParameter",
                $"Offset pagination is limited to the first {account.Settings.OffsetPaginationLimit} records. Use cursor-based pagination (page[size]) "
                    + "instead.");
        }

        var list = new JsonArray();
        foreach (var id in (descending ? ids.Reverse() : ids).Skip((int)offset).Take(perPage))
        {
            list.Add(render(id));
        }

        var more = offset + perPage < ids.Count;
        return Json.Ok(new JsonObject
        {
            [key] = list,
            ["next_page"] = more ? $"{url}?page={page + 1}&per_page={perPage}{Sort(q)}" : null,
            ["previous_page"] = page > 1 ? $"{url}?page={page - 1}&per_page={perPage}{Sort(q)}" : null,
            ["count"] = ids.Count,
        });
    }

    /// <summary>The ids after the cursor's id in the listing's order (all of them without a cursor).</summary>
    private static IEnumerable<long> Following(SortedSet<long> ids, long? after, bool descending) => (after, descending) switch
    {
        (null, false) => ids,
        (null, true) => ids.Reverse(),
        ({ } a, false) => a == long.MaxValue ? [] : ids.GetViewBetween(a + 1, long.MaxValue),
        ({ } a, true) => a == long.MinValue ? [] : ids.GetViewBetween(long.MinValue, a - 1).Reverse(),
    };

    /// <summary>The request's <c>sort</c> / <c>sort_order</c>, carried into its links (the order stays the same from page to page).</summary>
    private static string Sort(IQueryCollection q) =>
        string.Concat(new[] { "sort", "sort_order" }.Where(n => q[n].ToString().Length > 0).Select(n => $"&{n}={Uri.EscapeDataString(q[n].ToString())}"));

    public static string Encode(long id) => Convert.ToBase64String(Encoding.ASCII.GetBytes("id:" + id.ToString(CultureInfo.InvariantCulture))).TrimEnd('=');

    public static long? Decode(string cursor)
    {
        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(cursor.PadRight(cursor.Length + ((4 - (cursor.Length % 4)) % 4), '=')));
            return text.StartsWith("id:", StringComparison.Ordinal) && long.TryParse(text.AsSpan(3), CultureInfo.InvariantCulture, out var id) ? id : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
