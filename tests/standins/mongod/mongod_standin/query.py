"""Query filters, projections, sorting and update operators: the subset the stand-in models.

Filters: equality (with array membership), $eq $ne $gt $gte $lt $lte $in $nin $exists, $and $or $nor,
dotted paths. Comparisons follow MongoDB's type brackets: $gt 5 matches numbers only.
Updates: replacement documents, $set $unset $inc $setOnInsert $push $addToSet.
"""
import copy
import datetime

from bson import ObjectId
from bson.binary import Binary

from mongod_standin.errors import CommandError

_MISSING = object()

# BSON comparison order of type brackets (MongoDB "Comparison/Sort Order").
_TYPE_ORDER = {"null": 1, "number": 2, "string": 3, "object": 4, "array": 5, "binary": 6, "objectid": 7,
               "bool": 8, "date": 9, "other": 10}


def type_bracket(value):
    if value is None or value is _MISSING:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, (bytes, Binary)):
        return "binary"
    if isinstance(value, ObjectId):
        return "objectid"
    if isinstance(value, datetime.datetime):
        return "date"
    return "other"


def values_equal(left, right):
    """BSON equality: numbers compare by value across int/long/double, documents compare in field order."""
    left_type, right_type = type_bracket(left), type_bracket(right)
    if left_type != right_type:
        return False
    if left_type == "object":
        return list(left) == list(right) and all(values_equal(left[k], right[k]) for k in left)
    if left_type == "array":
        return len(left) == len(right) and all(values_equal(a, b) for a, b in zip(left, right))
    if left_type == "null":
        return True
    return left == right


def sort_key(value):
    """A key that orders values the way MongoDB sorts them across types."""
    bracket = type_bracket(value)
    if bracket == "object":
        return (_TYPE_ORDER[bracket], tuple((k, sort_key(v)) for k, v in value.items()))
    if bracket == "array":
        return (_TYPE_ORDER[bracket], tuple(sort_key(v) for v in value))
    if bracket in ("null", "other"):
        return (_TYPE_ORDER[bracket], 0)
    if bracket == "objectid":
        return (_TYPE_ORDER[bracket], value.binary)
    return (_TYPE_ORDER[bracket], value)


def resolve(doc, path):
    """Values reachable at a dotted path; arrays on the way fan out as MongoDB does."""
    current = [doc]
    for part in path.split("."):
        found = []
        for value in current:
            if isinstance(value, dict) and part in value:
                found.append(value[part])
            elif isinstance(value, list):
                if part.isdigit() and int(part) < len(value):
                    found.append(value[int(part)])
                found.extend(item[part] for item in value if isinstance(item, dict) and part in item)
        current = found
    return current


def _candidates(values):
    """Each value, plus the elements of array values (a filter on an array field matches its elements)."""
    for value in values:
        yield value
        if isinstance(value, list):
            yield from value


def _equals_any(values, target):
    if target is None and not values:
        return True
    return any(values_equal(candidate, target) for candidate in _candidates(values))


def _compare_any(values, target, accept):
    bracket = type_bracket(target)
    return any(type_bracket(c) == bracket and accept(sort_key(c), sort_key(target)) for c in _candidates(values))


_COMPARISONS = {
    "$gt": lambda a, b: a > b,
    "$gte": lambda a, b: a >= b,
    "$lt": lambda a, b: a < b,
    "$lte": lambda a, b: a <= b,
}


def _apply_operator(operator, argument, values):
    if operator == "$eq":
        return _equals_any(values, argument)
    if operator == "$ne":
        return not _equals_any(values, argument)
    if operator in _COMPARISONS:
        return _compare_any(values, argument, _COMPARISONS[operator])
    if operator in ("$in", "$nin"):
        if not isinstance(argument, list):
            raise CommandError("BadValue", "%s needs an array" % operator)
        found = any(_equals_any(values, item) for item in argument)
        return found if operator == "$in" else not found
    if operator == "$exists":
        return bool(values) == bool(argument)
    if operator == "$not":
        return not _match_condition(values, argument)
    raise CommandError("BadValue", "unknown operator: %s" % operator)


def _is_operator_document(condition):
    return isinstance(condition, dict) and bool(condition) and next(iter(condition)).startswith("$")


def _match_condition(values, condition):
    if _is_operator_document(condition):
        return all(_apply_operator(op, arg, values) for op, arg in condition.items())
    return _equals_any(values, condition)


def matches(doc, query):
    """True when the document satisfies the filter."""
    for key, condition in (query or {}).items():
        if key == "$and":
            ok = all(matches(doc, sub) for sub in condition)
        elif key == "$or":
            ok = any(matches(doc, sub) for sub in condition)
        elif key == "$nor":
            ok = not any(matches(doc, sub) for sub in condition)
        elif key.startswith("$"):
            raise CommandError("BadValue", "unknown top level operator: %s" % key)
        else:
            ok = _match_condition(resolve(doc, key), condition)
        if not ok:
            return False
    return True


def sort_documents(docs, spec):
    """Stable multi-key sort; a missing field sorts as null."""
    ordered = list(docs)
    for field, direction in reversed(list((spec or {}).items())):
        ordered.sort(key=lambda d, f=field: sort_key(_first_or_missing(resolve(d, f))), reverse=direction < 0)
    return ordered


def _first_or_missing(values):
    return values[0] if values else None


def project(doc, projection):
    """Inclusion or exclusion projection on top-level and dotted fields; _id stays unless excluded."""
    if not projection:
        return doc
    fields = {k: bool(v) for k, v in projection.items() if k != "_id"}
    keep_id = bool(projection.get("_id", True))
    if len(set(fields.values())) > 1:
        raise CommandError("Location31254", "Cannot do exclusion on field in inclusion projection")
    if fields and all(fields.values()):
        result = {"_id": doc["_id"]} if keep_id and "_id" in doc else {}
        for path in fields:
            _copy_path(doc, result, path.split("."))
        return result
    result = copy.deepcopy(doc)
    for path in fields:
        _unset_path(result, path.split("."))
    if not keep_id:
        result.pop("_id", None)
    return result


def _copy_path(source, target, parts):
    if not isinstance(source, dict) or parts[0] not in source:
        return
    if len(parts) == 1:
        target[parts[0]] = copy.deepcopy(source[parts[0]])
        return
    inner = target.setdefault(parts[0], {})
    _copy_path(source[parts[0]], inner, parts[1:])
    if not inner:
        del target[parts[0]]


def _set_path(doc, parts, value):
    for part in parts[:-1]:
        child = doc.get(part)
        if child is None:
            child = doc[part] = {}
        if not isinstance(child, dict):
            raise CommandError("BadValue", "Cannot create field '%s' in element {%s: %r}" % (parts[-1], part, child))
        doc = child
    doc[parts[-1]] = value


def _get_path(doc, parts):
    for part in parts:
        if not isinstance(doc, dict) or part not in doc:
            return _MISSING
        doc = doc[part]
    return doc


def _unset_path(doc, parts):
    parent = _get_path(doc, parts[:-1])
    if isinstance(parent, dict):
        parent.pop(parts[-1], None)


def _inc(doc, parts, amount):
    current = _get_path(doc, parts)
    if current is _MISSING:
        current = 0
    if type_bracket(current) != "number" or type_bracket(amount) != "number":
        raise CommandError("TypeMismatch", "Cannot apply $inc to a value of non-numeric type")
    _set_path(doc, parts, current + amount)


def _push(doc, parts, value, unique):
    current = _get_path(doc, parts)
    current = [] if current is _MISSING else current
    if not isinstance(current, list):
        raise CommandError("BadValue", "The field '%s' must be an array" % ".".join(parts))
    items = value["$each"] if isinstance(value, dict) and "$each" in value else [value]
    for item in items:
        if not unique or not any(values_equal(item, existing) for existing in current):
            current.append(item)
    _set_path(doc, parts, current)


def apply_update(doc, update, inserting):
    """A new document: `doc` changed by an operator update or replaced by a replacement document."""
    if isinstance(update, list):
        raise CommandError("NotImplemented", "stand-in: pipeline-style updates are not modelled")
    if not update or not next(iter(update)).startswith("$"):
        return _replace(doc, update)
    result = copy.deepcopy(doc)
    for operator, fields in update.items():
        for path, value in fields.items():
            _apply_modifier(result, operator, path.split("."), value, inserting)
    if "_id" in doc and not values_equal(result.get("_id"), doc["_id"]):
        raise CommandError("ImmutableField", "Performing an update on the path '_id' would modify the immutable field '_id'")
    return result


def _apply_modifier(doc, operator, parts, value, inserting):
    if operator == "$set" or (operator == "$setOnInsert" and inserting):
        _set_path(doc, parts, copy.deepcopy(value))
    elif operator == "$setOnInsert":
        return
    elif operator == "$unset":
        _unset_path(doc, parts)
    elif operator == "$inc":
        _inc(doc, parts, value)
    elif operator in ("$push", "$addToSet"):
        _push(doc, parts, copy.deepcopy(value), unique=operator == "$addToSet")
    else:
        raise CommandError("FailedToParse", "Unknown modifier: %s. Expected a valid update modifier or pipeline-style update specified as an array" % operator)


def _replace(doc, replacement):
    if any(key.startswith("$") for key in replacement):
        raise CommandError("FailedToParse", "the update operation document must contain only update operators or none")
    if "_id" in doc and "_id" in replacement and not values_equal(doc["_id"], replacement["_id"]):
        raise CommandError("ImmutableField", "After applying the update, the (immutable) field '_id' was found to have been altered")
    result = {"_id": doc["_id"]} if "_id" in doc else {}
    result.update(copy.deepcopy(replacement))
    return result


def upsert_seed(query):
    """The document an upsert starts from: the filter's plain equality fields."""
    seed = {}
    for key, condition in (query or {}).items():
        if key.startswith("$"):
            continue
        if _is_operator_document(condition):
            if "$eq" not in condition:
                continue
            condition = condition["$eq"]
        _set_path(seed, key.split("."), copy.deepcopy(condition))
    return seed
