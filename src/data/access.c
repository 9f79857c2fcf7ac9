/* access.c - what a finished data set tells its readers beyond its trajectories: options and category lists. */
#include "data/dataset.h"

size_t sentraj_dataset_min_human(const sentraj_dataset *ds)
{
    return ds->min_human;
}

size_t sentraj_dataset_window(const sentraj_dataset *ds)
{
    return ds->window;
}

const char *sentraj_dataset_trajectory_category(const sentraj_dataset *ds, size_t i, size_t k)
{
    const uint32_t *m;

    if (!ds->finished || i >= ds->nkept)
        return NULL;
    /* A set's members are its names in canonical order, ended by UINT32_MAX. */
    m = ds->set_members[ds->kept[i].set];
    for (size_t j = 0; j < k; j++)
        if (m[j] == UINT32_MAX)
            return NULL;
    return m[k] == UINT32_MAX ? NULL : intern_str(&ds->cats, m[k]);
}

/* Whether every human label used lies on the codes given (window codes q,
 * the label times the scale's denominator), none elsewhere. */
static int uses_only(const sentraj_dataset *ds, const int *codes, size_t n)
{
    if (ds->code_other || !ds->counts.human_messages)
        return 0;
    for (int q = -3; q <= 3; q++) {
        int listed = 0;
        for (size_t i = 0; i < n; i++)
            listed |= codes[i] == q;
        if (ds->code_uses[q + 3] && !listed)
            return 0;
    }
    return 1;
}

int sentraj_dataset_smaller_scale(const sentraj_dataset *ds)
{
    /* The labels of the 3-point scale (negative, neutral, positive) and of
     * the 5-point one, as codes of the 5- and 7-point scales: the names
     * they share are the same words at other values. */
    static const int three_in_5[] = {-1, 0, 1}, three_in_7[] = {-2, 0, 2}, five_in_7[] = {-3, -2, 0, 2, 3};

    if (ds->scale_points == 5)
        return uses_only(ds, three_in_5, 3) ? 3 : 0;
    if (ds->scale_points == 7)
        return uses_only(ds, three_in_7, 3) ? 3 : uses_only(ds, five_in_7, 5) ? 5 : 0;
    return 0;
}
