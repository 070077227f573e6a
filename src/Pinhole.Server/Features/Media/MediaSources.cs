using Dapper;
using Pinhole.Data;

namespace Pinhole.Server.Features.Media;

/// <summary>
/// The uploads as received, kept (privately) only while a filter may still change: once their post is published
/// they are deleted, so no file with location or camera data outlives its use.
/// </summary>
public sealed class MediaSources(Db db, IMediaStore store)
{
    /// <summary>After a post is published: its media's sources go, except those still being made again (that job releases them).</summary>
    public Task ReleaseAsync(long statusId, CancellationToken cancellationToken) =>
        ReleaseWhereAsync("status_id = @statusId", new { statusId }, cancellationToken);

    /// <summary>After a media is made again: its source goes if the media has been posted meanwhile.</summary>
    public Task ReleaseIfPostedAsync(long mediaId, CancellationToken cancellationToken) =>
        ReleaseWhereAsync("id = @mediaId AND status_id IS NOT NULL", new { mediaId }, cancellationToken);

    private async Task ReleaseWhereAsync(string condition, object parameters, CancellationToken cancellationToken)
    {
        // Read then cleared in one transaction: RETURNING would give the new value (NULL), not the key to delete.
        var keys = await db.WriteAsync(async (connection, transaction) =>
        {
            var sources = (await connection.QueryAsync<(long Id, string Key)>(connection.Command(
                $"""
                SELECT id, source_key FROM media_attachments
                WHERE {condition} AND source_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM media_jobs j WHERE j.media_id = media_attachments.id)
                """, parameters, transaction, cancellationToken))).ToList();
            var ids = sources.Select(s => s.Id).ToList();
            if (ids.Count > 0)
                await connection.ExecuteAsync(connection.Command(
                    "UPDATE media_attachments SET source_key = NULL WHERE id IN @ids", new { ids }, transaction, cancellationToken));
            return sources.Select(s => s.Key).ToList();
        }, cancellationToken);
        foreach (var key in keys)
            await store.DeleteSourceAsync(key, cancellationToken);
    }
}
