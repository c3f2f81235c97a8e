import { Column } from "typeorm"
import type { MetadataEntity } from "./metadata-entity"

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AbstractEntityClass<T> = abstract new (...args: any[]) => T

/** Longest URL a profile picture may have. */
export const PROFILE_PICTURE_URL_LENGTH = 2048

/**
 * Adds an optional `profilePictureUrl` column (`profile_picture_url`) to a model.
 *
 * @example
 * @Entity()
 * class Agent extends ProfilePictureMixin(MetadataEntity) {
 *   @Column({ type: "varchar", length: 64 }) name!: string
 * }
 */
export function ProfilePictureMixin<TBase extends AbstractEntityClass<MetadataEntity>>(
  Base: TBase,
) {
  abstract class WithProfilePicture extends Base {
    @Column({
      name: "profile_picture_url",
      type: "varchar",
      length: PROFILE_PICTURE_URL_LENGTH,
      nullable: true,
    })
    profilePictureUrl?: string | null
  }
  return WithProfilePicture
}
