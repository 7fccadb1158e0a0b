using System.Text;

namespace Podvisor.Model.Serialization;

/// <summary>
/// The current position while walking a JSON tree, rendered the way Kubernetes names fields in messages:
/// "spec.containers[0].ports[1].containerPort". Segments are pushed and popped; text is built only on demand.
/// </summary>
internal sealed class FieldPath
{
    private readonly List<(string? Key, int Index)> _segments = [];

    public int Depth => _segments.Count;

    public void Push(string key) => _segments.Add((key, -1));

    public void Push(int index) => _segments.Add((null, index));

    public void Pop() => _segments.RemoveAt(_segments.Count - 1);

    /// <summary>The path with one more key appended, without changing this path.</summary>
    public string With(string key)
    {
        Push(key);
        var s = ToString();
        Pop();
        return s;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (key, index) in _segments)
        {
            if (key is null)
            {
                sb.Append('[').Append(index).Append(']');
            }
            else
            {
                if (sb.Length > 0)
                {
                    sb.Append('.');
                }

                sb.Append(key);
            }
        }

        return sb.ToString();
    }
}
