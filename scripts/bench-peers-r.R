# bench-peers-r.R - the R peer of scripts/bench-peers (not meant to be run by hand).
#
# Usage: Rscript bench-peers-r.R PHASE FILE RESULT RESAMPLES NCPUS SEED
#
# PHASE is one of
#   read      utils::read.csv of FILE, nothing else
#   deltas    read + per-conversation deltas + per-category groups
#   perc      read + deltas + boot::boot(R = RESAMPLES) + boot.ci(type = "perc") per group
#   perc-mc   the same with boot(parallel = "multicore", ncpus = NCPUS)
#   bca       read + deltas + boot::boot + boot.ci(type = "bca") per group
#   bca-mc    the same with boot(parallel = "multicore", ncpus = NCPUS)
# Groups are the categories (sorted bytewise) and "all" (every kept
# conversation once), as in `sentraj analyze`.
#
# It is the code an R user would write: read.csv with colClasses (which R's
# documentation recommends for speed), base-R vectorised deltas (string
# folding on the unique values only, one radix order(), rowsum()), and
# boot(data, function(x, i) mean(x[i]), R) then boot.ci().  The folding
# rules are sentraj's: roles human/user (case, surrounding spaces folded)
# against assistant/claude/model/ai/bot and system/tool, anything else an
# error; labels with case, spaces, '-' and '_' removed (very negative ..
# very positive = -1 .. 1) or numbers in [-1, 1]; messages ordered by
# message_index; conversations kept with >= 6 human messages; delta =
# mean(last 3) - mean(first 3); categories split on ';' and trimmed.
# Duplicate indices and per-conversation category consistency are not
# checked (sentraj checks both): that favours R.
#
# RESULT gets tab-separated lines that scripts/bench-peers parses:
#   timer NAME SECONDS       in-process wall time of one step (proc.time)
#   group NAME N MEAN_DELTA  per group, to check against sentraj
#   ci NAME METHOD LOW HIGH  an interval that was computed
#   fail NAME METHOD MESSAGE an interval that could not be (the error text)
#   info KEY VALUE

MIN_HUMAN <- 6L
WINDOW <- 3L
LEVEL <- 0.95
LABELS <- c(verynegative = -1, negative = -0.5, neutral = 0, positive = 0.5, verypositive = 1)
HUMAN <- c("human", "user")
OTHER <- c("assistant", "claude", "model", "ai", "bot", "system", "tool")

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 6) stop("usage: bench-peers-r.R PHASE FILE RESULT RESAMPLES NCPUS SEED")
phase <- args[1]
path <- args[2]
result <- file(args[3], open = "w")
resamples <- as.integer(args[4])
ncpus <- as.integer(args[5])
seed <- as.integer(args[6])
if (!phase %in% c("read", "deltas", "perc", "perc-mc", "bca", "bca-mc")) stop("unknown phase ", phase)

emit <- function(...) {
    writeLines(paste(..., sep = "\t"), result)
    flush(result)
}
num <- function(x) formatC(x, digits = 17, format = "g")
now <- function() proc.time()[["elapsed"]]
timed <- function(name, expr) {
    t0 <- now()
    value <- force(expr)
    emit("timer", name, num(now() - t0))
    value
}
one_line <- function(msg) gsub("[\t\r\n]+", " ", msg)

read_messages <- function(path) {
    utils::read.csv(path, colClasses = c(conversation_id = "character", message_index = "integer",
                                         role = "character", sentiment = "character",
                                         categories = "character"),
                    na.strings = character(0), quote = "\"", comment.char = "",
                    strip.white = FALSE)
}

fold_sentiment <- function(text) {
    v <- unname(LABELS[gsub("[ _-]", "", tolower(text))])
    other <- is.na(v)
    x <- suppressWarnings(as.numeric(text[other]))
    if (any(is.na(x) | x < -1 | x > 1)) stop("bad sentiment '", text[other][is.na(x) | x < -1 | x > 1][1], "'")
    v[other] <- x
    v
}

# list(name = deltas) for the categories (sorted bytewise) and "all"
groups_of <- function(d) {
    roles <- unique(d$role)
    folded <- tolower(trimws(roles))
    bad <- setdiff(folded, c(HUMAN, OTHER))
    if (length(bad)) stop("unknown role '", bad[1], "'")
    human <- (folded %in% HUMAN)[match(d$role, roles)]

    labels <- unique(d$sentiment[human])
    value <- fold_sentiment(labels)[match(d$sentiment[human], labels)]
    cid <- d$conversation_id[human]
    ord <- order(cid, d$message_index[human], method = "radix")
    cid <- cid[ord]
    value <- value[ord]
    start <- c(TRUE, cid[-1L] != cid[-length(cid)])
    g <- cumsum(start)
    n <- tabulate(g)
    pos <- seq_along(g) - (cumsum(n) - n)[g]
    first <- pos <= WINDOW
    last <- pos > n[g] - WINDOW
    sum_first <- as.vector(rowsum(value[first], g[first], reorder = FALSE))
    sum_last <- as.vector(rowsum(value[last], g[last], reorder = FALSE))
    kept <- n >= MIN_HUMAN
    delta <- sum_last[kept] / WINDOW - sum_first[kept] / WINDOW

    cats <- d$categories[human][ord][start][kept]
    ucats <- unique(cats)
    parts <- lapply(strsplit(ucats, ";", fixed = TRUE), function(p) unique(trimws(p)))
    parts <- lapply(parts, function(p) p[nzchar(p)])
    code <- match(cats, ucats)
    names <- sort(unique(unlist(parts)), method = "radix")
    out <- lapply(names, function(name) {
        has <- which(vapply(parts, function(p) name %in% p, TRUE))
        delta[code %in% has]
    })
    names(out) <- names
    c(out, list(all = delta))
}

d <- timed("read", read_messages(path))
emit("info", "rows", nrow(d))
if (phase == "read") quit(save = "no", status = 0)

groups <- timed("deltas", groups_of(d))
rm(d)
invisible(gc(verbose = FALSE))
for (name in names(groups)) emit("group", name, length(groups[[name]]), num(mean(groups[[name]])))
if (phase == "deltas") quit(save = "no", status = 0)

suppressPackageStartupMessages(library(boot))
parallel <- if (endsWith(phase, "-mc")) "multicore" else "no"
type <- if (startsWith(phase, "bca")) "bca" else "perc"
if (parallel == "multicore") RNGkind("L'Ecuyer-CMRG")
set.seed(seed)
statistic <- function(x, i) mean(x[i])
t_boot <- 0
t_ci <- 0
t_ci_l <- 0
for (name in names(groups)) {
    x <- groups[[name]]
    if (length(x) < 2) next
    t0 <- now()
    b <- boot::boot(x, statistic, R = resamples, parallel = parallel, ncpus = ncpus)
    t1 <- now()
    ci <- tryCatch(boot::boot.ci(b, conf = LEVEL, type = type), error = function(e) e)
    t2 <- now()
    t_boot <- t_boot + (t1 - t0)
    t_ci <- t_ci + (t2 - t1)
    slot <- if (type == "bca") "bca" else "percent"
    if (inherits(ci, "error")) {
        emit("fail", name, type, one_line(conditionMessage(ci)))
    } else if (is.null(ci[[slot]])) {
        emit("fail", name, type, "boot.ci returned no interval")
    } else {
        emit("ci", name, type, num(ci[[slot]][4]), num(ci[[slot]][5]))
    }
    if (type == "bca") {
        # For information: the workaround a statistician would reach for --
        # the exact empirical influence values of the mean, L = x - mean(x),
        # instead of boot.ci's regression estimate (which needs R > n).
        t3 <- now()
        ci_l <- tryCatch(boot::boot.ci(b, conf = LEVEL, type = "bca", L = x - mean(x)),
                         error = function(e) e)
        t_ci_l <- t_ci_l + (now() - t3)
        if (inherits(ci_l, "error")) {
            emit("fail", name, "bca-L", one_line(conditionMessage(ci_l)))
        } else {
            emit("ci", name, "bca-L", num(ci_l$bca[4]), num(ci_l$bca[5]))
        }
    }
    rm(b)
}
emit("timer", "boot", num(t_boot))
emit("timer", "ci", num(t_ci))
emit("timer", "bootstrap", num(t_boot + t_ci))
if (type == "bca") emit("timer", "ci-L", num(t_ci_l))
