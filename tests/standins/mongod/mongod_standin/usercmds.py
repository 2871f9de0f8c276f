"""User management and authentication commands: createUser, updateUser, dropUser, usersInfo,
grantRolesToUser, revokeRolesFromUser, saslStart, saslContinue, logout, connectionStatus."""
from mongod_standin import scram, users
from mongod_standin.errors import CommandError


def _users_collection(ctx, create=False):
    return ctx.store.collection(users.USERS_DB, users.USERS_COLLECTION, create=create)


def _save_users(ctx):
    ctx.store.save(users.USERS_DB, _users_collection(ctx))


def _existing_user(ctx, name, db):
    user = ctx.state.user_document(db, name)
    if user is None:
        raise CommandError("UserNotFound", "User %s@%s not found" % (name, db))
    return user


def create_user(ctx):
    name = ctx.argument
    if ctx.state.user_document(ctx.db, name) is not None:
        raise CommandError("Location51003", 'User "%s@%s" already exists' % (name, ctx.db))
    if "pwd" not in ctx.body:
        raise CommandError("BadValue", "Must provide a 'pwd' field for all user documents, except those with '$external' as the user's source db")
    if "roles" not in ctx.body:
        raise CommandError("BadValue", '"createUser" command requires a "roles" array')
    user = users.build_user(ctx.db, name, ctx.body["pwd"], ctx.body["roles"], ctx.body.get("mechanisms"),
                            ctx.body.get("digestPassword", True))
    _users_collection(ctx, create=True).docs.append(user)
    _save_users(ctx)
    ctx.state.logger.log("ACCESS", "Created user", user="%s@%s" % (name, ctx.db))
    return {}


def update_user(ctx):
    user = _existing_user(ctx, ctx.argument, ctx.db)
    if "pwd" in ctx.body:
        mechanisms = ctx.body.get("mechanisms") or sorted(user["credentials"])
        user["credentials"] = users.make_credentials(user["user"], ctx.body["pwd"], mechanisms, ctx.body.get("digestPassword", True))
    elif "mechanisms" in ctx.body:
        unknown = set(ctx.body["mechanisms"]) - set(user["credentials"])
        if unknown:
            raise CommandError("BadValue", "mechanisms field must be a subset of previously set mechanisms")
        user["credentials"] = {m: c for m, c in user["credentials"].items() if m in ctx.body["mechanisms"]}
    if "roles" in ctx.body:
        user["roles"] = users.normalise_roles(ctx.body["roles"], ctx.db)
    _save_users(ctx)
    return {}


def drop_user(ctx):
    user = _existing_user(ctx, ctx.argument, ctx.db)
    _users_collection(ctx).docs.remove(user)
    _save_users(ctx)
    return {}


def grant_roles(ctx):
    user = _existing_user(ctx, ctx.argument, ctx.db)
    for role in users.normalise_roles(ctx.body.get("roles", []), ctx.db):
        if role not in user["roles"]:
            user["roles"].append(role)
    _save_users(ctx)
    return {}


def revoke_roles(ctx):
    user = _existing_user(ctx, ctx.argument, ctx.db)
    revoked = users.normalise_roles(ctx.body.get("roles", []), ctx.db)
    user["roles"] = [role for role in user["roles"] if role not in revoked]
    _save_users(ctx)
    return {}


def requested_users(ctx):
    """usersInfo's argument as (user, db) pairs; None means every user of the database (or of all with forAllDBs)."""
    argument = ctx.argument
    if argument == 1 or (isinstance(argument, dict) and argument.get("forAllDBs")):
        return None
    items = argument if isinstance(argument, list) else [argument]
    return [(item, ctx.db) if isinstance(item, str) else (item["user"], item["db"]) for item in items]


def users_info(ctx):
    collection = _users_collection(ctx)
    documents = list(collection.docs) if collection else []
    wanted = requested_users(ctx)
    if wanted is None:
        all_databases = isinstance(ctx.argument, dict) and ctx.argument.get("forAllDBs")
        selected = [u for u in documents if all_databases or u["db"] == ctx.db]
    else:
        selected = [u for u in documents if (u["user"], u["db"]) in wanted]
    show_credentials = bool(ctx.body.get("showCredentials"))
    return {"users": [users.public_view(u, show_credentials) for u in selected]}


def supported_mechanisms(state, qualified_name):
    """hello's saslSupportedMechs for "db.user": the mechanisms the user has credentials for, or None."""
    db, separator, name = qualified_name.partition(".")
    user = state.user_document(db, name)
    return sorted(user["credentials"]) if user else None


def start_conversation(ctx, request, db, speculative=False):
    """saslStart (also reached through hello's speculativeAuthenticate)."""
    mechanism = request.get("mechanism")
    if mechanism not in scram.MECHANISMS:
        raise CommandError("MechanismUnavailable", "Received authentication for mechanism %s which is unknown or not enabled" % mechanism)

    def credentials(name):
        user = ctx.state.user_document(db, name)
        return user["credentials"].get(mechanism) if user else None

    conversation = scram.ScramConversation(mechanism, credentials)
    try:
        server_first = conversation.first(bytes(request.get("payload", b"")).decode("utf-8"))
    except (scram.ScramError, UnicodeDecodeError) as error:
        _log_failure(ctx, mechanism, conversation.user, db, error)
        raise CommandError("AuthenticationFailed", "Authentication failed.")
    skip_empty = bool((request.get("options") or {}).get("skipEmptyExchange"))
    conversation.speculative = speculative
    conversation_id = ctx.session.add_conversation(conversation, db, skip_empty)
    return {"conversationId": conversation_id, "done": False, "payload": server_first.encode("utf-8")}


def sasl_start(ctx):
    return start_conversation(ctx, ctx.body, ctx.db)


def sasl_continue(ctx):
    conversation_id = ctx.body.get("conversationId")
    entry = ctx.session.conversations.get(conversation_id)
    if entry is None:
        raise CommandError("ProtocolError", "No SASL session state found")
    conversation, db, skip_empty = entry
    if conversation.done:
        return _finish(ctx, conversation_id, conversation, db, b"")
    try:
        server_final = conversation.final(bytes(ctx.body.get("payload", b"")).decode("utf-8")).encode("utf-8")
    except (scram.ScramError, UnicodeDecodeError) as error:
        del ctx.session.conversations[conversation_id]
        _log_failure(ctx, conversation.mechanism, conversation.user, db, error)
        raise CommandError("AuthenticationFailed", "Authentication failed.")
    if skip_empty:
        return _finish(ctx, conversation_id, conversation, db, server_final)
    return {"conversationId": conversation_id, "done": False, "payload": server_final}


def _finish(ctx, conversation_id, conversation, db, payload):
    del ctx.session.conversations[conversation_id]
    if (conversation.user, db) not in ctx.session.authenticated:
        ctx.session.authenticated.append((conversation.user, db))
    ctx.state.logger.log("ACCESS", "Authentication succeeded", log_id=5286306, context="conn%d" % ctx.session.connection_id,
                         mechanism=conversation.mechanism, speculative=conversation.speculative, principalName=conversation.user,
                         authenticationDatabase=db, remote="%s:%d" % ctx.session.peer[:2])
    return {"conversationId": conversation_id, "done": True, "payload": payload}


def _log_failure(ctx, mechanism, user, db, error):
    ctx.state.logger.log("ACCESS", "Authentication failed", log_id=20249, context="conn%d" % ctx.session.connection_id,
                         mechanism=mechanism, principalName=user, authenticationDatabase=db, remote="%s:%d" % ctx.session.peer[:2],
                         error=str(error))


def logout(ctx):
    ctx.session.authenticated = [(u, d) for u, d in ctx.session.authenticated if d != ctx.db]
    return {}


def connection_status(ctx):
    return {"authInfo": {
        "authenticatedUsers": [{"user": u, "db": d} for u, d in ctx.session.authenticated],
        "authenticatedUserRoles": ctx.session.roles(ctx.state),
    }}
